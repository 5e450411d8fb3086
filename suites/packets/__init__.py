"""Packets the target sends to the simulated national portal (scenario packet_log)."""
