"""dossier_life on a production profile without a written authorisation for `mutates`: the
scenario reads (the overdue fixture, the register) and never calls an operation that changes data."""
from __future__ import annotations

from types import SimpleNamespace

from suites.dossier.observe import DossierLife
from tests.suites.record import problems

READING = {"get_dossier", "list_dossiers", "x_overdue_dossiers", "get_procedure", "lookup_dossier", "list_my_dossiers",
           "get_statistics", "get_audit_log"}


class StubClient:
    def __init__(self, calls, role):
        self.calls, self.account = calls, SimpleNamespace(username=f"{role}1")

    def call(self, operation, **inputs):
        self.calls.append(operation)
        vars_ = {"status_label": "Đang giải quyết", "overdue": True, "appointment_date": "2026-11-20T17:00:00+07:00",
                 "dossiers": [{"code": "000.00.10.H29-261120-0003", "status_label": "Đang giải quyết", "overdue": False,
                               "appointment_date": "2026-12-20T17:00:00+07:00"}]}
        return SimpleNamespace(ok=True, status=200, vars=vars_, json=vars_, text="{}", content=b"{}", headers={},
                               describe=lambda: "ok")


class StubScenario:
    def __init__(self, environment):
        self.calls, self.notes = [], []
        allowed = [] if environment == "production" else ["mutates", "intrusive", "load"]
        self.profile = SimpleNamespace(
            allowed_flags=lambda: allowed, test_data={"online_procedure": "1.001233.000.00.00.H29"},
            status_labels={"Đang giải quyết": 4},
            status_code=lambda label, expected=None: 4 if label == "Đang giải quyết" else None,
            step_absent=lambda step: False, implicit_step=lambda step: None,
            operations={name: {"returns": {}} for name in READING | {"submit_dossier", "receive_dossier"}},
            features_absent=set(), account=lambda role, index=0: None, holidays=[], ca_file=None)

    def parameter(self, name):
        return {"packets.sync_delay_s": 1, "dossier.code_pattern": r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$"}[name]

    def client(self, role=None, index=0):
        return StubClient(self.calls, role)

    def fixture(self, name):
        self.calls.append(f"fixture:{name}")
        return "000.00.10.H29-261110-0001"

    def note(self, text):
        self.notes.append(text)


def test_a_read_only_run_only_reads():
    sc = StubScenario("production")
    obs = DossierLife(sc, nps=None, run_id="r1").run()
    assert obs["read_only"] and obs["dossiers"] == []
    assert set(sc.calls) - {"fixture:overdue_dossier"} <= READING
    assert "get_dossier" in sc.calls and "list_dossiers" in sc.calls  # the overdue fixture and the register
    assert obs["overdue"]["before"]["overdue"] is True and obs["overdue"]["apology"] is None
    assert obs["register"]["items"][0]["appointment_date"] == "2026-12-20T17:00:00+07:00"
    assert problems("dossier_life", obs) == []  # the contract holds for a read-only run too


def test_a_staging_run_drives_dossiers():
    sc = StubScenario("staging")
    obs = DossierLife(sc, nps=SimpleNamespace(last_seq=lambda: 0), run_id="r1").run()
    assert not obs["read_only"] and "submit_dossier" in sc.calls
