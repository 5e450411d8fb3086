"""Public statistics of dossier handling (scenario stats_snapshot)."""
