"""The `packet_log` scenario: what the target sent to the simulated national portal.

It builds on the dossier_life observations (suites/dossier/OBSERVATIONS.md): waits, bounded by
the sync delay, until every step of those dossiers has its packets, then drives its own probes
(session expiry, an injected DongBoHoSoMC error, a procedure pull) and records every national-
portal call of the run with what the judges compare it with. See suites/packets/README.md.
"""
from __future__ import annotations

import datetime as dt

import pytest

from suites.packets import observe
from suites.packets.life import dossier_life_or_reason, parse_time, run_dossiers


def _probe(errors: list[str], name: str, action, *args):
    """Run one probe; a probe that breaks is recorded (its check will be ERROR), the others go on."""
    try:
        return action(*args)
    except Exception as exc:  # noqa: BLE001 - a broken probe must not take the other checks with it
        text = f"{name}: {type(exc).__name__}: {exc}"
        errors.append(text)
        return ({"error": text}, None) if name in ("expiry_probe", "fault_probe") else {"error": text}


@pytest.fixture(scope="session")
def packet_log(request, dokiem, nps):
    life, life_error = dossier_life_or_reason(request)
    with dokiem.scenario("packet_log") as sc:
        sync_delay = float(sc.parameter("packets.sync_delay_s"))
        retry_wait = float(sc.parameter("packets.retry_wait_s"))
        required, date_fields = observe.schema_facts(dokiem.edition.folder / "packets")
        dossiers = [observe.from_dossier_life(d) for d in run_dossiers(life)]
        since = (life or {}).get("simulator_seq_start", 0)  # this run's records only
        errors: list[str] = []

        # 1. the dossier_life dossiers' packets, until each step has its own (bounded by the sync delay)
        finished = [parse_time(s.get("finished")) for d in dossiers for s in d["steps"]]
        finished = [t for t in finished if t is not None]
        if finished:
            observe.wait_until(nps, lambda records: observe.synced(dossiers, records),
                               max(finished) + dt.timedelta(seconds=sync_delay), since=since)

        # 2. the probes only this scenario drives (after dossier_life, so they never disturb it)
        driver = observe.ProbeDriver(sc, dokiem.profile, dokiem.run_id)
        expiry_probe, expiry_dossier = _probe(errors, "expiry_probe", observe.expiry_probe, nps, driver,
                                                retry_wait, sync_delay)
        fault_probe, fault_dossier = _probe(errors, "fault_probe", observe.fault_probe, nps, driver,
                                            retry_wait, sync_delay)
        pull_probe = _probe(errors, "pull_probe", observe.pull_probe, sc, nps, dokiem.profile, sync_delay)
        for probe_dossier in (expiry_dossier, fault_dossier):
            if probe_dossier is not None:
                probe_dossier.pop("_content", None)
                dossiers.append(probe_dossier)

        # 3. everything the target sent, and what the judges compare it with
        # the run's records, and the sessions the target obtained before the run: a target logs in
        # once and keeps its session, so the session that carries this run's calls may be older
        records = observe.earlier_sessions(nps, since) + observe.fetch_records(nps, since=since)
        for dossier in dossiers:
            if dossier["origin"] == "dossier_life":
                dossier["result_sha256"] = observe.result_hashes(sc, dossier)
        observations = {
            "run_id": dokiem.run_id,
            "dossier_life_error": life_error,
            "parameters": {"packets.sync_delay_s": sync_delay, "packets.retry_wait_s": retry_wait},
            "required_fields": required,
            "date_fields": date_fields,
            "dossiers": dossiers,
            "expiry_probe": expiry_probe,
            "fault_probe": fault_probe,
            "pull_probe": pull_probe,
            "published_fees": observe.fees_of(sc, {d.get("procedure_code") for d in dossiers}),
            "national_catalogue": observe.national_catalogue(observe.procedure_codes_in(records)),
            "downloads": observe.download_urls(sc, dossiers, records),
            "records": records,
            "errors": errors + list((life or {}).get("errors") or []),
        }
        sc.evidence.write_json("observations.json", observations)
        yield observations
