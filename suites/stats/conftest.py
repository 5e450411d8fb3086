"""The `stats_snapshot` scenario: public statistics before and after the dossier scenario, as data
and as the public page. Builds on dossier_life (suites/dossier/OBSERVATIONS.md); see
suites/stats/README.md for the observations.
"""
from __future__ import annotations

import pytest

from suites.packets.life import dossier_life_or_reason
from suites.stats import observe


@pytest.fixture(scope="session")
def stats_snapshot(request, dokiem, browser):
    life, life_error = dossier_life_or_reason(request)
    with dokiem.scenario("stats_snapshot") as sc:
        anonymous = sc.client(None)
        wait_s = float(sc.parameter("stats.refresh_wait_s"))
        refreshed = observe.refresh(anonymous, life, wait_s) if life else None
        observations = {
            "run_id": dokiem.run_id,
            "dossier_life_error": life_error,
            "parameters": {"stats.refresh_wait_s": wait_s},
            "snapshot": observe.snapshot(anonymous, observe.default_query()),
            "statistics_before": (life or {}).get("statistics_before"),
            "statistics_after": (life or {}).get("statistics_after"),
            "statistics_error": (life or {}).get("statistics_error"),
            "statistics_refreshed": refreshed,
            "crossed_midnight": observe.crossed_midnight(life or {}),
            "dossiers": [{"key": d.get("key"), "code": d.get("code"), "apology": bool(d.get("apology")), "steps": [
                {k: s.get(k) for k in ("step", "ok", "expected_code", "started", "finished", "appointment_date")}
                for s in d.get("steps") or []]} for d in (life or {}).get("dossiers") or []],
            "page": observe.statistics_page(sc, browser, dokiem.profile),
        }
        sc.evidence.write_json("observations.json", observations)
        yield observations
