"""A stand-in for suites/dossier's `dossier_life`, loaded only by the s-packets integration test
(`-p tests.suites.standin_dossier_life`) so it can run the packet, notification and statistics
suites on their own. Any `dossier_life` that suites/ itself provides (a conftest fixture is more
specific than a plugin's) takes its place.

It drives four dossiers through refportal's operations — a whole online life (submit, receive,
process, supplement round, approve, return, rate), a counter intake, a refusal, a withdrawal — and
returns the structure of suites/dossier/OBSERVATIONS.md. No payment: in a --demo run the simulator
is started before refportal and cannot yet trust refportal's CA for the payment callback.
"""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest

PDF = b"%PDF-1.4\n% dokiem stand-in\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat()


class _Life:
    def __init__(self, sc, nps, profile):
        self.sc, self.nps, self.profile = sc, nps, profile
        self.citizen = sc.client("citizen")
        self.officer = sc.client("receiving_officer")
        self.specialist = sc.client("specialist")
        self.leader = sc.client("leader")
        self.errors: list[str] = []

    def view(self, client, code):
        result = client.call("get_dossier", dossier_code=code)
        label = result.vars.get("status_label") if result.ok else None
        return label, self.profile.status_code(label), result.json if result.ok else None

    def step(self, dossier, name, client, operation, expected, **inputs):
        started = _now()
        result = client.call(operation, **inputs) if operation else None
        finished = _now()
        ok = result.ok if result is not None else True
        row = {"step": name, "operation": operation, "role": client.role, "started": started, "finished": finished,
               "ok": ok, "http_status": result.status if result else None,
               "error": None if ok else result.describe(), "expected_code": expected}
        if dossier.get("code"):
            plabel, pcode, pview = self.view(self.citizen if dossier["channel"] == "online" else self.officer,
                                             dossier["code"])
            blabel, bcode, bview = self.view(self.officer, dossier["code"])
            row.update(portal_label=plabel, portal_code=pcode, backoffice_label=blabel, backoffice_code=bcode,
                       view_error=None)
            dossier["citizen_view"], dossier["officer_view"] = pview, bview
        dossier["steps"].append(row)
        if not ok:
            self.errors.append(f"{dossier['key']} {name}: {row['error']}")
        return result

    def new(self, key, purpose, channel="online"):
        return {"key": key, "purpose": purpose, "code": None, "procedure_code": None, "channel": channel,
                "applicant": {"role": "citizen", "index": 0, "username": self.citizen.account.username},
                "return_by_post": False, "files": [], "steps": [], "final_expected_code": None}

    def submit(self, dossier, procedure):
        files = [{"name": "to-khai.pdf", "content": PDF + dossier["key"].encode(), "content_type": "application/pdf"}]
        dossier["procedure_code"] = procedure
        dossier["files"] = [{"name": f["name"], "sha256": hashlib.sha256(f["content"]).hexdigest(),
                             "component_code": None} for f in files]
        form = {**self.profile.test_data.get("form_data", {}), "ghi_chu": f"dokiem {self.sc.state.run_id}"}
        result = self.step(dossier, "submit", self.citizen, "submit_dossier", 1, procedure_code=procedure,
                           form_data=form, files=files)
        if result.ok:
            dossier["code"] = result.vars["dossier_code"]
            last = dossier["steps"][-1]
            plabel, pcode, pview = self.view(self.citizen, dossier["code"])
            blabel, bcode, bview = self.view(self.officer, dossier["code"])
            last.update(portal_label=plabel, portal_code=pcode, backoffice_label=blabel, backoffice_code=bcode)
            dossier["citizen_view"], dossier["officer_view"] = pview, bview
        return result.ok


def _stats(client):
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date().isoformat()
    result = client.call("get_statistics", date_from=today, date_to=today, agency_code=None)
    if not result.ok:
        return None, result.describe()
    return {k: result.vars.get(k) for k in ("received", "resolved", "on_time", "late", "pending")}, None


@pytest.fixture(scope="session")
def dossier_life(dokiem, nps):
    with dokiem.scenario("dossier_life") as sc:
        life = _Life(sc, nps, dokiem.profile)
        online = dokiem.profile.test_data["online_procedure"]
        counter_procedure = dokiem.profile.test_data["counter_procedure"]
        anonymous = sc.client(None)
        observations = {"run_id": dokiem.run_id, "started": _now()}
        observations["statistics_before"], observations["statistics_error"] = _stats(anonymous)
        dossiers = []

        full = life.new("online_full", "whole life of an online level-4 dossier")
        dossiers.append(full)
        if life.submit(full, online):
            code = full["code"]
            life.step(full, "receive", life.officer, "receive_dossier", 2, dossier_code=code)
            life.step(full, "process", life.specialist, "process_dossier", 4, dossier_code=code, note="Thụ lý")
            life.step(full, "request_supplement", life.officer, "request_supplement", 5, dossier_code=code,
                      reason="Bổ sung bản sao giấy tờ tùy thân")
            life.step(full, "supplement", life.citizen, "supplement_dossier", 4, dossier_code=code,
                      files=[{"name": "bo-sung.pdf", "content": PDF + b"bo sung", "content_type": "application/pdf"}],
                      note="Đã bổ sung")
            life.step(full, "approve", life.leader, "approve_dossier", 9, dossier_code=code)
            life.step(full, "return", life.officer, "return_result", 10, dossier_code=code)
            life.step(full, "rate", life.citizen, "rate_dossier", 10, dossier_code=code, score=5, comment="Tốt")
            full["final_expected_code"] = 10

        counter = life.new("counter", "counter intake", channel="counter")
        dossiers.append(counter)
        applicant = dokiem.profile.test_data["applicant"]
        started = _now()
        result = life.officer.call("counter_intake", procedure_code=counter_procedure, applicant=applicant,
                                   files=[{"name": "don.pdf", "content": PDF + b"counter"}])
        counter["procedure_code"] = counter_procedure
        counter["applicant"] = {"role": None, "index": None, "username": None}
        counter["files"] = [{"name": "don.pdf", "sha256": hashlib.sha256(PDF + b"counter").hexdigest(),
                             "component_code": None}]
        row = {"step": "counter_intake", "operation": "counter_intake", "role": "receiving_officer",
               "started": started, "finished": _now(), "ok": result.ok, "http_status": result.status,
               "error": None if result.ok else result.describe(), "expected_code": 2}
        counter["steps"].append(row)
        if result.ok:
            counter["code"] = result.vars["dossier_code"]
            blabel, bcode, bview = life.view(life.officer, counter["code"])
            row.update(portal_label=None, portal_code=None, backoffice_label=blabel, backoffice_code=bcode)
            counter["officer_view"] = bview
            life.step(counter, "process", life.specialist, "process_dossier", 4, dossier_code=counter["code"],
                      note="Thụ lý")
            life.step(counter, "approve", life.leader, "approve_dossier", 9, dossier_code=counter["code"])
            counter["final_expected_code"] = 9

        refused = life.new("refused", "refused at intake")
        dossiers.append(refused)
        if life.submit(refused, online):
            life.step(refused, "refuse", life.officer, "refuse_dossier", 3, dossier_code=refused["code"],
                      reason="Hồ sơ không đúng thẩm quyền")
            refused["final_expected_code"] = 3

        withdrawn = life.new("withdrawn", "withdrawn by the applicant")
        dossiers.append(withdrawn)
        if life.submit(withdrawn, online):
            life.step(withdrawn, "receive", life.officer, "receive_dossier", 2, dossier_code=withdrawn["code"])
            life.step(withdrawn, "withdraw", life.citizen, "withdraw_dossier", 7, dossier_code=withdrawn["code"])
            withdrawn["final_expected_code"] = 7

        observations["statistics_after"], error = _stats(anonymous)
        observations["statistics_error"] = observations["statistics_error"] or error
        observations["finished"] = _now()
        observations["dossiers"] = dossiers
        observations["errors"] = life.errors
        sc.evidence.write_json("observations.json", observations)
        yield observations
