"""The `dossier_life` scenario as session fixtures: one drive of the target, in named parts
(suites/dossier/observe.py lists them), each cached once per run and asked for by name.

`dossier_life` is every part together: the observations of suites/dossier/observations.schema.json.
A suite that needs only some dossiers asks for their parts (suites/notify/ does); a part that reads
the dossiers of others (lookups, registers, the end) asks for those parts first, so the target is
driven in the same order whoever asks first.

The fixtures live here, not in suites/dossier/conftest.py, because the packet, notification and
statistics suites build on the same observations: suites/conftest.py imports them, so every suite
folder sees one drive of the target, not a copy per folder.
"""
from __future__ import annotations

import pytest

from suites.dossier import closures, delayed, in_browser, intake, online, registers
from suites.dossier.driver import Driver
from suites.dossier.observe import end, lookups


@pytest.fixture(scope="session")
def dossier_driver(dokiem, nps, request):
    """The run's one `Driver`: its scenario (evidence `scenario-dossier_life`), sessions and observations."""
    def open_browser():
        # asked for only when the browser part starts: a browser that cannot start is recorded
        # and the API part goes on
        return request.getfixturevalue("browser")

    with dokiem.scenario("dossier_life") as sc:
        driver = Driver(sc, nps, dokiem.run_id, open_browser)
        driver.start()
        yield driver
        if not driver.obs["finished"]:  # only some parts were asked for: what they observed
            sc.evidence.write_json("observations.json", driver.obs)


@pytest.fixture(scope="session")
def dossier_online(dossier_driver):
    """`online_full`: the whole life of an online dossier (online.py)."""
    return online.observe(dossier_driver)


@pytest.fixture(scope="session")
def dossier_browser(dossier_driver):
    """`online_browser` and the citizen's browser session (in_browser.py)."""
    return in_browser.observe(dossier_driver)


@pytest.fixture(scope="session")
def dossier_intake(dossier_driver):
    """`counter` and `postal`: registered by the receiving officer (intake.py)."""
    return intake.observe(dossier_driver)


@pytest.fixture(scope="session")
def dossier_closures(dossier_driver):
    """`refused`, `withdrawn`, `stopped` (closures.py)."""
    return closures.observe(dossier_driver)


@pytest.fixture(scope="session")
def dossier_delayed(dossier_driver):
    """`delayed`: in processing, apologised for well before its appointment (delayed.py)."""
    return delayed.observe(dossier_driver)


@pytest.fixture(scope="session")
def dossier_overdue(dossier_driver):
    """The profile's overdue fixture dossier, before and after its apology slip (registers.py)."""
    return registers.observe_overdue(dossier_driver)


@pytest.fixture(scope="session")
def dossier_lookups(dossier_driver, dossier_online, dossier_browser, dossier_intake, dossier_closures, dossier_delayed):
    """Every dossier looked up anonymously (observe.py)."""
    return lookups(dossier_driver)


@pytest.fixture(scope="session")
def dossier_registers(dossier_driver, dossier_online, dossier_browser, dossier_intake, dossier_closures,
                      dossier_delayed, dossier_overdue, dossier_lookups):
    """My dossiers, the register and the audit log, once every dossier is made (registers.py)."""
    return registers.observe(dossier_driver)


@pytest.fixture(scope="session")
def dossier_end(dossier_driver, dossier_registers):
    """Each dossier's packets at the simulator and the statistics after, once everything is done."""
    return end(dossier_driver)


@pytest.fixture(scope="session")
def dossier_life(dossier_driver, dossier_online, dossier_browser, dossier_intake, dossier_closures, dossier_delayed,
                 dossier_overdue, dossier_lookups, dossier_registers, dossier_end):
    """Observations of the life of the run's dossiers (suites/dossier/observations.schema.json)."""
    dossier_driver.sc.evidence.write_json("observations.json", dossier_driver.obs)
    return dossier_driver.obs
