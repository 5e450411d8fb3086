"""How `dossier_life` drives the target: several dossiers, each with a purpose, through the
profile's operations and journeys, recording what the citizen and the receiving officer see after
every step. The observations' contract is suites/dossier/observations.schema.json.

The drive is made of named parts, each a session fixture (suites/dossier/scenario.py) that other
suites may ask for alone; every part drives the one `Driver` of the run and fills in its slice of
the same observations. `PARTS` is their order in a whole run; a part that needs the dossiers of
others asks for them (scenario.py), so any order of requests keeps the same meaning:

- `dossier_online`    online.py      `online_full`, the whole life of an online dossier
- `dossier_browser`   in_browser.py  `online_browser` and the browser's login, prefill, submit, rate
- `dossier_intake`    intake.py      `counter` and `postal`, registered by the receiving officer
- `dossier_closures`  closures.py    `refused`, `withdrawn`, `stopped`, and processing tried after
- `dossier_delayed`   delayed.py     `delayed`, apologised for (Mẫu 04) well before its appointment
- `dossier_overdue`   registers.py   the overdue fixture dossier, before and after Mẫu 04
- `dossier_lookups`   here           anonymous lookups of every dossier (API and browser)
- `dossier_registers` registers.py   my dossiers, the back office's register, the audit log
- `dossier_end`       here           each dossier's packets at the simulator, the statistics after
"""
from __future__ import annotations

import time
from typing import Any, Callable

from suites.dossier import closures, delayed, in_browser, intake, online, registers
from suites.dossier.driver import Driver, _now


def lookups(life: Driver) -> dict:
    """Every dossier looked up anonymously at the end (after `online_full`'s submission it already
    was), and in the browser `online_full` and one dossier of each other status they ended in."""
    for d in life.obs["dossiers"]:
        life.guard(f"{d['key']} lookup", lambda d=d: life.lookup(d, "end"))
    life.guard("browser lookup", lambda: in_browser.lookup(life))
    return {"lookups": life.obs["lookups"], "browser_lookup": life.obs["browser"]["lookup"],
            "browser_other_lookups": life.obs["browser"].get("other_lookups") or []}


def end(life: Driver) -> dict:
    """After every dossier's life: the packets the simulator received for each, the statistics."""
    if not life.read_only:
        life.guard("packets", lambda: packets(life))
        life.guard("statistics_after", lambda: life.statistics("statistics_after"))
    life.obs["finished"] = _now()
    return {"packets": {d["key"]: d["packets"] for d in life.obs["dossiers"]},
            "statistics_after": life.obs["statistics_after"]}


PARTS: dict[str, Callable[[Driver], dict]] = {
    "dossier_online": online.observe,
    "dossier_browser": in_browser.observe,
    "dossier_intake": intake.observe,
    "dossier_closures": closures.observe,
    "dossier_delayed": delayed.observe,
    "dossier_overdue": registers.observe_overdue,
    "dossier_lookups": lookups,
    "dossier_registers": registers.observe,
    "dossier_end": end,
}
# The parts that make dossiers: the later parts read them all.
DOSSIER_PARTS = ("dossier_online", "dossier_browser", "dossier_intake", "dossier_closures", "dossier_delayed")


class DossierLife:
    """The whole drive in one call, without pytest: every part in order, then the observations."""

    def __init__(self, sc, nps, run_id: str, browser: Callable[[], Any] | None = None):
        self.driver = Driver(sc, nps, run_id, browser)

    def run(self) -> dict:
        self.driver.start()
        for part in PARTS.values():
            part(self.driver)
        return self.driver.obs


def packets(life) -> None:
    """Per dossier, the DongBoHoSoMC objects the simulator received for it, waited for (within the
    sync delay) until the last one carries the dossier's final status."""
    wanted = [d for d in life.obs["dossiers"] if d["code"]]
    if not wanted:
        return
    deadline = time.monotonic() + min(life.sync_delay, max(life.wait_left, 0.0))
    for d in wanted:
        final = d["final_expected_code"]
        while True:
            records = life.nps.records(kind="packet", service="DongBoHoSoMC", since=life.seq_start, match=d["code"])
            objects = [{"seq": r.get("seq"), "time": r.get("time"),
                        **{k: o.get(k) for k in ("MaHoSo", "TrangThaiHoSo", "KenhThucHien", "HinhThuc", "NgayTra")}}
                       for r in records for o in ((r.get("request") or {}).get("data") or [])
                       if isinstance(o, dict) and o.get("MaHoSo") == d["code"]]
            if (objects and str(objects[-1].get("TrangThaiHoSo")) == str(final)) or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        d["packets"] = objects
