"""The `dossier_intake` part: dossiers the receiving officer registers for applicants without a portal
account — at the counter (channel 1, receipt printed) and by post (channel 3, result returned by
post) — each processed to its result."""
from __future__ import annotations

from suites import personal_data
from suites.dossier.driver import Driver

KEYS = ("counter", "postal")


def observe(life: Driver) -> dict:
    if not life.read_only:
        for flow in (counter, postal):
            life.guard(flow.__name__, lambda flow=flow: flow(life))
    return {"dossiers": life.dossiers(*KEYS)}


def counter(life) -> None:
    intake(life, "counter", "counter_intake")


def postal(life) -> None:
    if "postal" in life.profile.features_absent:
        life.error("postal: the profile declares the optional feature 'postal' absent — không đo kiểm bưu chính")
        return
    intake(life, "postal", "postal_intake")


def intake(life, key: str, operation: str) -> None:
    channel = "counter" if key == "counter" else "post"
    d = life.new_dossier(key, channel, life.test_data.get("counter_procedure") or life.test_data.get("online_procedure"),
                         role=None, return_by_post=(key == "postal"))
    applicant = dict(life.test_data.get("applicant") or {})
    d["applicant"]["full_name"] = applicant.get("full_name")
    d["personal"] = {k: v for k, v in applicant.items() if k in personal_data.KINDS and v}
    try:
        life.step(d, operation, operation, "receiving_officer", registers=True,
                  procedure_code=d["procedure_code"], applicant=applicant, files=life.make_files(d, 1, via=operation))
        life.step(d, "process", "process_dossier", "specialist", note=f"dokiem {life.run_id}: thụ lý")
        life.step(d, "approve", "approve_dossier", "leader")
        life.step(d, "return", "return_result", "receiving_officer")
    finally:
        if d["code"]:
            life.finish_probes(d, forms=(1,))
