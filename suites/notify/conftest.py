"""The `notifications` scenario: the mails and SMS the applicants of the run's dossiers received,
and the overdue apology. Builds on dossier_life (suites/dossier/OBSERVATIONS.md); see
suites/notify/README.md for the observations.
"""
from __future__ import annotations

import pytest

from suites.notify import observe
from suites.packets.life import dossier_life_or_reason


@pytest.fixture(scope="session")
def notifications(request, dokiem, nps):
    # the online dossiers are all it needs; the overdue part comes first because it reads the
    # overdue fixture dossier before its apology is issued, which this scenario then does again
    life, life_error = dossier_life_or_reason(request, "dossier_online", "dossier_browser", "dossier_closures",
                                              "dossier_overdue")
    with dokiem.scenario("notifications") as sc:
        wait_s = float(sc.parameter("notify.wait_s"))
        dossiers = observe.online_dossiers(dokiem.profile, life)
        since = (life or {}).get("simulator_seq_start", 0)  # this run's records only
        messages = observe.wait_for_messages(nps, observe.all_notified(dossiers),
                                             observe.deadline_for(dossiers, wait_s), since=since) if dossiers else []
        codes = {d["code"] for d in dossiers}
        apology, apology_messages = observe.apology_probe(sc, nps, dokiem.profile, wait_s,
                                                          (life or {}).get("started"))
        observations = {
            "run_id": dokiem.run_id,
            "dossier_life_error": life_error,
            "parameters": {"notify.wait_s": wait_s},
            "dossiers": dossiers,
            "messages": [m for m in messages if any(code in (m.get("text") or "") for code in codes)],
            "apology": apology,
            "apology_messages": apology_messages,
        }
        sc.evidence.write_json("observations.json", observations)
        yield observations
