"""How `dossier_life` drives the target: several dossiers, each with a purpose, through the
profile's operations and journeys, recording what the citizen and the receiving officer see after
every step (the structure is suites/dossier/OBSERVATIONS.md).

Nothing here judges. A step that fails is recorded with its error and that dossier's life stops
there; the other dossiers go on. Waiting is bounded: a view that does not show a step's status yet
is read again until the edition's sync delay has passed, and all such waiting together is capped,
so a broken target costs a bounded time, not a hang.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import time
from typing import Any, Callable
from urllib.parse import urljoin

from harness.national import VIETNAM

from suites.dossier import documents
from suites.dossier.signature import verify_result

# All waiting for views, lookups and packets together stays under this many sync delays.
WAIT_BUDGET_SYNC_DELAYS = 3
FIRST_POLL_S, MAX_POLL_S = 0.1, 2.0
MAX_AUDIT_ENTRIES = 2000
MAX_TEXT = documents.MAX_TEXT

# The national code each step leads to (PROTOCOL.md §1.5). None: it depends on where the dossier
# was (supplement, payment confirmation) or it changes nothing (pay, rate).
STEP_CODES = {"submit": 1, "counter_intake": 2, "postal_intake": 2, "receive": 2, "refuse": 3, "process": 4,
              "request_supplement": 5, "request_payment": 6, "approve": 9, "return": 10, "withdraw": 7, "stop": 8}

PURPOSES = {
    "online_full": "the whole life of an online level-4 dossier: submit, receive, process, request a supplement, "
                   "supplement, request payment, pay through the payment platform, approve, return, rate (twice)",
    "online_browser": "submitted through the e-form in the browser (prefill read from the page), then received, "
                      "processed, approved, returned and rated in the browser",
    "counter": "counter intake by the receiving officer (channel 1), processed to its result, receipt printed",
    "postal": "postal intake (channel 3) with return of the result by post",
    "refused": "submitted online and refused with a reason; the refusal slip (Mẫu 03) printed",
    "withdrawn": "submitted online by a second citizen and withdrawn; processing afterwards must be refused",
    "stopped": "submitted online, received, processed, then stopped with a reason; processing afterwards must be refused",
}


class StepFailed(Exception):
    """A step of a dossier's life did not succeed: that dossier goes no further."""


def _now() -> str:
    return documents.now_iso()


def _scalars(values: dict) -> dict:
    """The small values an operation returned (big answers live in the views and the transcripts)."""
    kept = {}
    for name, value in (values or {}).items():
        if isinstance(value, bytes):
            kept[name] = f"<{len(value)} bytes>"
        elif isinstance(value, str):
            kept[name] = value[:500]
        elif value is None or isinstance(value, (bool, int, float)):
            kept[name] = value
    return kept


_text = documents.as_text
# Keys that may hold when a history or audit line happened (only which keys match matters).
_TIME_KEY = re.compile(r"time|thoi_?gian|ngay|date", re.I)


def _entry_time(entry: dict):
    """The value of the entry's first time-like key that reads as a time, else None."""
    return next((entry[k] for k in entry if _TIME_KEY.search(k) and documents.parse_time(entry[k])), None)


class DossierLife:
    def __init__(self, sc, nps, run_id: str, browser: Callable[[], Any] | None = None):
        self.sc = sc
        self.profile = sc.profile
        self.nps = nps
        self.run_id = run_id
        self.open_browser = browser
        self.test_data = self.profile.test_data
        self.sync_delay = float(sc.parameter("packets.sync_delay_s"))
        self.wait_left = WAIT_BUDGET_SYNC_DELAYS * self.sync_delay
        self.code_pattern = re.compile(sc.parameter("dossier.code_pattern"))
        self._clients: dict = {}
        self._procedures: dict = {}
        self._results: dict[str, bytes] = {}
        self.seq_start = 0
        # production without a written authorisation: nothing may be created or changed (DESIGN §5)
        self.read_only = "mutates" not in self.profile.allowed_flags()
        self.stale: set[str] = set()
        self.obs: dict[str, Any] = {
            "run_id": run_id, "started": _now(), "finished": None, "read_only": self.read_only,
            "status_labels": dict(self.profile.status_labels),
            "sync_delay_s": self.sync_delay,
            # which values the profile's get_dossier gives: a judge tells "not shown" from "not configured"
            "get_dossier_returns": sorted((self.profile.operations.get("get_dossier") or {}).get("returns") or {}),
            "statistics_before": None, "statistics_after": None, "statistics_error": None,
            "logins": [], "dossiers": [], "lookups": [],
            "browser": {"errors": [], "login": None, "known": {}, "prefilled": {}, "submit": None, "rate": None,
                        "lookup": None},
            "my_dossiers": {}, "register": None, "overdue": None, "audit": None,
            "errors": [],
        }

    # ================================================================ the whole scenario
    def run(self) -> dict:
        if self.read_only:
            # only what reads: the overdue fixture as the back office shows it, and the register
            self.error("read-only run (production, mutates not authorised): no dossier is created — chỉ đọc, "
                       "không tạo hồ sơ")
            self.guard("overdue", self.overdue)
            self.guard("register", self.register)
            self.obs["finished"] = _now()
            return self.obs
        try:
            self.seq_start = self.nps.last_seq()
            # later scenarios read only what the simulator received from here on: a simulator shared
            # by several runs (simulator.url) holds older records, maybe for the same dossier codes
            self.obs["simulator_seq_start"] = self.seq_start
        except Exception as exc:  # the simulator is the harness's own: note it, packets stay unobserved
            self.error(f"simulator: {exc}")
        self.guard("statistics_before", lambda: self.statistics("statistics_before"))
        for flow in (self.online_full, self.browser_part, self.counter, self.postal, self.refused, self.withdrawn,
                     self.stopped):
            self.guard(flow.__name__, flow)
        for name, action in (("overdue", self.overdue), ("lookups", self.final_lookups),
                             ("my_dossiers", self.my_dossiers), ("register", self.register),
                             ("packets", self.packets), ("audit", self.audit),
                             ("statistics_after", lambda: self.statistics("statistics_after"))):
            self.guard(name, action)
        self.obs["finished"] = _now()
        return self.obs

    def guard(self, what: str, action: Callable[[], Any]) -> None:
        try:
            action()
        except StepFailed:
            pass  # already recorded with its step
        except Exception as exc:  # recorded; the checks that need it raise Inconclusive
            self.error(f"{what}: {type(exc).__name__}: {exc}")

    def error(self, text: str) -> None:
        self.obs["errors"].append(text)
        self.sc.note(text)

    # ================================================================ sessions
    def client(self, role: str | None, index: int = 0):
        """A logged-in client of the role (cached), or None when it cannot log in (recorded)."""
        key = (role, index)
        if key not in self._clients:
            row = {"role": role, "index": index, "username": None, "started": _now(), "finished": None,
                   "ok": False, "error": None}
            try:
                client = self.sc.client(role, index)
                row["username"] = client.account.username if client.account else None
                row["ok"] = True
            except Exception as exc:
                client = None
                account = self.profile.account(role, index) if role else None
                row["username"] = account.username if account else None
                row["error"] = f"{type(exc).__name__}: {exc}"
                self.error(f"login {role}[{index}]: {row['error']}")
            row["finished"] = _now()
            if role is not None:
                self.obs["logins"].append(row)
            self._clients[key] = client
        return self._clients[key]

    def anonymous(self):
        if (None, 0) not in self._clients:
            self._clients[(None, 0)] = self.sc.client(None)
        return self._clients[(None, 0)]

    def has(self, operation: str) -> bool:
        return operation in self.profile.operations

    # ================================================================ dossiers and steps
    def new_dossier(self, key: str, channel: str, procedure_code: str, role: str | None = "citizen",
                    index: int = 0, return_by_post: bool = False) -> dict:
        account = self.profile.account(role, index) if role else None
        applicant = {"role": role if account else None, "index": index if account else None,
                     "username": account.username if account else None,
                     "full_name": (account.known.get("full_name") if account else None)}
        form_data = {**(self.test_data.get("form_data") or {}), "ghi_chu": f"dokiem {self.run_id} {key}"}
        dossier = {"key": key, "purpose": PURPOSES[key], "code": None, "procedure_code": procedure_code,
                   "channel": channel, "applicant": applicant, "return_by_post": return_by_post,
                   "procedure": self.procedure(procedure_code), "receiving_unit": None, "form_data": form_data,
                   "personal": {}, "files": [], "steps": [], "final_expected_code": None, "times": {}, "history": [],
                   "attachments": [], "attempts_after_final": [], "forms": {}, "packets": [],
                   "result_downloads": [], "channel_seen": None, "result_offered": None,
                   "citizen_view": None, "officer_view": None}
        if account is not None:
            dossier["personal"] = {k: v for k, v in account.known.items()
                                   if k in ("id_number", "phone", "email", "address") and v}
        self.obs["dossiers"].append(dossier)
        return dossier

    def procedure(self, code: str) -> dict:
        if code not in self._procedures:
            info = {"code": code, "level": None, "processing_days": None, "agency_code": None, "fee_total": None,
                    "component_codes": [], "error": None}
            try:
                result = self.anonymous().call("get_procedure", procedure_code=code)
                if result.ok:
                    for name in ("level", "processing_days", "agency_code", "fee_total"):
                        info[name] = result.vars.get(name)
                    info["component_codes"] = [c for c in (result.vars.get("component_codes") or []) if c]
                else:
                    info["error"] = result.describe()
            except Exception as exc:
                info["error"] = f"{type(exc).__name__}: {exc}"
            self._procedures[code] = info
        return self._procedures[code]

    def make_files(self, dossier: dict, count: int, label: str = "tep") -> list[dict]:
        """Small PDF files unique to this run and dossier, in the procedure's component order."""
        components = dossier["procedure"].get("component_codes") or []
        files = []
        for n in range(count):
            name = f"dokiem-{dossier['key']}-{label}-{n + 1}.pdf"
            content = (f"%PDF-1.4\n% dokiem {self.run_id} {dossier['key']} {label} {n + 1} "
                       f"{secrets.token_hex(8)}\n%%EOF\n").encode("ascii")
            component = components[min(n, len(components) - 1)] if components else None
            files.append({"name": name, "content": content, "content_type": "application/pdf",
                          "component_code": component})
            dossier["files"].append({"name": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
                                     "component_code": component, "supplement": label != "tep"})
        return files

    def current_code(self, dossier: dict) -> int | None:
        for step in reversed(dossier["steps"]):
            if step["ok"] and step["expected_code"] is not None:
                return step["expected_code"]
        return None

    def step(self, dossier: dict, step: str, operation: str, role: str, index: int = 0,
             expected: int | None = None, registers: bool = False, reason: str | None = None, **inputs) -> dict:
        """Take one step through an operation, then read both views; StepFailed when it did not succeed."""
        if expected is None:
            expected = STEP_CODES.get(step, self.current_code(dossier))
        record = {"step": step, "operation": operation, "role": role, "username": None, "started": _now(),
                  "finished": None, "ok": False, "http_status": None, "error": None, "expected_code": expected,
                  "vars": {}, "reason": reason}
        client = self.client(role, index)
        if client is not None:
            record["username"] = client.account.username if client.account else None
        if client is None:
            record["error"] = f"no session for role '{role}' — không đăng nhập được vai trò '{role}'"
        elif not self.has(operation):
            record["error"] = f"operation '{operation}' is not configured — chưa khai báo thao tác '{operation}'"
        else:
            if reason is not None:
                inputs["reason"] = reason
            if dossier["code"] is not None:
                inputs.setdefault("dossier_code", dossier["code"])
            try:
                result = client.call(operation, **inputs)
                record.update(ok=result.ok, http_status=result.status, vars=_scalars(result.vars),
                              error=None if result.ok else result.describe())
                if result.ok and registers:
                    dossier["code"] = result.vars.get("dossier_code")
                    if not dossier["code"]:
                        record.update(ok=False, error=f"{operation} answered without a dossier code — không trả về mã hồ sơ")
            except Exception as exc:
                record["error"] = f"{type(exc).__name__}: {exc}"
        record["finished"] = _now()
        dossier["steps"].append(record)
        if not record["ok"]:
            self.error(f"{dossier['key']} {step}: {record['error']}")
            raise StepFailed(step)
        self.read_views(dossier, record)
        return record

    # ================================================================ reading the dossier
    def view(self, client, code: str) -> dict:
        """The dossier as `client` sees it: label, mapped code and the answer."""
        seen = {"ok": False, "http_status": None, "label": None, "code": None, "vars": {}, "json": None, "error": None}
        try:
            result = client.call("get_dossier", dossier_code=code)
        except Exception as exc:
            seen["error"] = f"{type(exc).__name__}: {exc}"
            return seen
        seen.update(ok=result.ok, http_status=result.status, json=result.json, vars=result.vars if result.ok else {},
                    error=None if result.ok else result.describe())
        if result.ok:
            seen["label"] = result.vars.get("status_label")
            seen["code"] = self.national_code(seen["label"], result.vars.get("status_code"))
        return seen

    def national_code(self, label, direct=None) -> int | None:
        code = self.profile.status_code(label) if isinstance(label, str) else None
        if code is None and direct is not None and str(direct).strip().isdigit() and 1 <= int(str(direct)) <= 10:
            code = int(str(direct))
        return code

    def wait_until(self, read: Callable[[], Any], done: Callable[[Any], bool], kind: str) -> tuple[Any, float | None]:
        """Read until `done` or the sync delay passes; (last read, seconds until done or None).

        Once a kind of wait has timed out (a view that never shows a status, a lookup that never
        answers), later waits of that kind read once: a broken target costs one sync delay per kind.
        All waits together stay within the scenario's budget."""
        started = time.monotonic()
        allowed = 0.0 if kind in self.stale else min(self.sync_delay, max(self.wait_left, 0.0))
        pause = FIRST_POLL_S
        while True:
            value = read()
            elapsed = time.monotonic() - started
            if done(value):
                self.wait_left -= elapsed
                return value, round(elapsed, 3)
            if elapsed + pause > allowed:
                self.wait_left -= elapsed
                self.stale.add(kind)
                return value, None
            time.sleep(pause)
            pause = min(pause * 1.5, MAX_POLL_S)

    def read_views(self, dossier: dict, record: dict) -> None:
        """The citizen's and the receiving officer's view right after a step, read again (both in
        one wait) until they show the step's status or the sync delay passes."""
        code, expected = dossier["code"], record["expected_code"]
        applicant = dossier["applicant"]
        sides = {"backoffice": self.client("receiving_officer")}
        if applicant["role"]:
            sides = {"portal": self.client(applicant["role"], applicant["index"] or 0), **sides}
        else:
            record.update(portal_label=None, portal_code=None, portal_http_status=None, portal_delay_s=None)
        live = {side: client for side, client in sides.items() if client is not None}
        last: dict[str, dict] = {}
        matched: dict[str, float] = {}
        started = time.monotonic()

        def read():
            for side, client in live.items():
                if side not in matched:
                    last[side] = self.view(client, code)
                    if expected is None or last[side]["code"] == expected:
                        matched[side] = round(time.monotonic() - started, 3)
            return matched
        self.wait_until(read, lambda m: len(m) == len(live), kind="views")
        errors = [f"{side}: no session" for side in sides if side not in live]
        for side in sides:
            seen = last.get(side) or {"label": None, "code": None, "http_status": None, "json": None, "vars": {},
                                      "error": None}
            record.update({f"{side}_label": seen["label"], f"{side}_code": seen["code"],
                           f"{side}_http_status": seen["http_status"], f"{side}_delay_s": matched.get(side)})
            if seen["error"]:
                errors.append(f"{side}: {seen['error']}")
            if record.get("reason"):
                record[f"{side}_reason_seen"] = documents.contains(_text(seen["json"]), record["reason"])
            if side == "portal":
                dossier["citizen_view"] = seen["json"]
            else:
                dossier["officer_view"] = seen["json"]
                overdue = seen["vars"].get("overdue")
                record["backoffice_overdue"] = overdue if isinstance(overdue, bool) else None
                record["appointment_date"] = seen["vars"].get("appointment_date")
                unit = seen["vars"].get("agency_code")
                if unit and not dossier["receiving_unit"]:
                    dossier["receiving_unit"] = unit
        record["view_error"] = "; ".join(errors) or None

    def finish(self, dossier: dict) -> None:
        """The dossier as the officer sees it at the end: its times and history."""
        dossier["final_expected_code"] = self.current_code(dossier)
        dossier["receiving_unit"] = (self.test_data.get("unit_code") or dossier["receiving_unit"]
                                     or dossier["procedure"].get("agency_code"))
        officer = self.client("receiving_officer")
        if officer is None or not dossier["code"]:
            return
        seen = self.view(officer, dossier["code"])
        if not seen["ok"]:
            self.error(f"{dossier['key']} final view: {seen['error']}")
            return
        dossier["officer_view"] = seen["json"]
        values = seen["vars"]
        dossier["times"] = {name: values.get(name) for name in
                            ("submitted_at", "received_at", "appointment_date", "resolved_at", "returned_at")}
        dossier["history"] = [self.history_entry(entry) for entry in (values.get("history") or [])]
        dossier["channel_seen"] = values.get("channel")
        if dossier["applicant"]["role"]:
            citizen = self.client(dossier["applicant"]["role"], dossier["applicant"]["index"] or 0)
            mine = self.view(citizen, dossier["code"]) if citizen is not None else {"ok": False}
            if mine["ok"]:
                dossier["citizen_view"] = mine["json"]
                dossier["result_offered"] = bool(mine["vars"].get("result"))
        applicant = values.get("applicant")
        if isinstance(applicant, dict):
            for ours, keys in (("id_number", ("id_number", "so_dinh_danh", "cccd")), ("phone", ("phone", "dien_thoai")),
                               ("email", ("email",)), ("address", ("address", "dia_chi"))):
                value = next((applicant.get(k) for k in keys if applicant.get(k)), None)
                if value and ours not in dossier["personal"]:
                    dossier["personal"][ours] = value

    def history_entry(self, entry) -> dict:
        if not isinstance(entry, dict):
            return {"time": None, "user": None, "status_label": None, "status_code": None, "text": _text(entry)[:500]}
        label, code = self.item_status(entry)
        moment = _entry_time(entry)
        users = [str(entry[k]) for k in entry if re.search(r"user|nguoi|actor|can_?bo", k, re.I) and entry[k]]
        return {"time": moment, "user": " | ".join(users) or None, "status_label": label, "status_code": code,
                "text": _text(entry)[:500]}

    # ================================================================ the dossiers
    def submit(self, dossier: dict, files: list[dict], index: int = 0) -> dict:
        return self.step(dossier, "submit", "submit_dossier", dossier["applicant"]["role"] or "citizen", index,
                         registers=True, procedure_code=dossier["procedure_code"], form_data=dossier["form_data"],
                         files=files)

    def online_full(self) -> None:
        d = self.new_dossier("online_full", "online", self.test_data.get("online_procedure"))
        self.submit(d, self.make_files(d, 2))
        self.intake_queue(d)
        self.lookup(d)
        fee = d["procedure"].get("fee_total")
        try:
            self.step(d, "receive", "receive_dossier", "receiving_officer")
            self.step(d, "process", "process_dossier", "specialist", note=f"dokiem {self.run_id}: thụ lý")
            before = self.current_code(d)  # a supplement returns the dossier to where it was
            self.step(d, "request_supplement", "request_supplement", "receiving_officer",
                      reason=f"Đề nghị bổ sung bản sao giấy tờ tùy thân (dokiem {self.run_id})")
            self.step(d, "supplement", "supplement_dossier", "citizen", expected=before,
                      files=self.make_files(d, 1, "bo-sung"), note=f"dokiem {self.run_id}: đã bổ sung")
            before_payment = self.current_code(d)  # paying returns it there too (PROTOCOL.md §1.5: 6→4, 6→9)
            self.step(d, "request_payment", "request_payment", "specialist", amount=fee)
            seq = self.nps_seq()
            pay = self.step(d, "pay", "pay_fee", "citizen")
            self.payment(d, pay, seq, before_payment, fee)
            self.step(d, "approve", "approve_dossier", "leader")
            self.download_result(d, "approve")
            self.step(d, "return", "return_result", "receiving_officer")
            self.download_result(d, "return")
        finally:
            self.finish_probes(d, forms=(1, 2, 5))
        self.guard("online_full signature", lambda: self.signature(d))
        self.guard("online_full rating", lambda: self.rating(d))
        self.guard("online_full cross-citizen", lambda: self.cross_citizen(d))

    def finish_probes(self, d: dict, forms=()) -> None:
        for number in forms:
            self.guard(f"{d['key']} form {number}", lambda n=number: self.print_form(d, n))
        self.guard(f"{d['key']} attachments", lambda: self.attachments(d))
        self.guard(f"{d['key']} final view", lambda: self.finish(d))

    def counter(self) -> None:
        self.intake("counter", "counter_intake")

    def postal(self) -> None:
        if "postal" in self.profile.features_absent:
            self.error("postal: the profile declares the optional feature 'postal' absent — không đo kiểm bưu chính")
            return
        self.intake("postal", "postal_intake")

    def intake(self, key: str, operation: str) -> None:
        channel = "counter" if key == "counter" else "post"
        d = self.new_dossier(key, channel, self.test_data.get("counter_procedure") or self.test_data.get("online_procedure"),
                             role=None, return_by_post=(key == "postal"))
        applicant = dict(self.test_data.get("applicant") or {})
        d["applicant"]["full_name"] = applicant.get("full_name")
        d["personal"] = {k: v for k, v in applicant.items() if k in ("id_number", "phone", "email", "address") and v}
        try:
            self.step(d, operation, operation, "receiving_officer", registers=True,
                      procedure_code=d["procedure_code"], applicant=applicant, files=self.make_files(d, 1))
            self.step(d, "process", "process_dossier", "specialist", note=f"dokiem {self.run_id}: thụ lý")
            self.step(d, "approve", "approve_dossier", "leader")
            self.step(d, "return", "return_result", "receiving_officer")
        finally:
            if d["code"]:
                self.finish_probes(d, forms=(1,))

    def refused(self) -> None:
        d = self.new_dossier("refused", "online", self.test_data.get("online_procedure"))
        try:
            self.submit(d, self.make_files(d, 1))
            self.step(d, "refuse", "refuse_dossier", "receiving_officer",
                      reason=f"Hồ sơ không thuộc thẩm quyền giải quyết (dokiem {self.run_id})")
            self.after_final(d, "process_dossier", "specialist", note=f"dokiem {self.run_id}: thử xử lý sau từ chối")
        finally:
            if d["code"]:
                self.finish_probes(d, forms=(3,))

    def withdrawn(self) -> None:
        index = 1 if self.profile.account("citizen", 1) else 0
        if index == 0:
            self.error("withdrawn: the profile has one citizen account; the second-citizen checks cannot be made")
        d = self.new_dossier("withdrawn", "online", self.test_data.get("online_procedure"), index=index)
        try:
            self.submit(d, self.make_files(d, 1), index=index)
            self.step(d, "receive", "receive_dossier", "receiving_officer")
            self.step(d, "withdraw", "withdraw_dossier", "citizen", index=index)
            self.after_final(d, "process_dossier", "specialist", note=f"dokiem {self.run_id}: thử xử lý sau khi rút")
        finally:
            if d["code"]:
                self.finish_probes(d)

    def stopped(self) -> None:
        d = self.new_dossier("stopped", "online", self.test_data.get("online_procedure"))
        try:
            self.submit(d, self.make_files(d, 1))
            self.step(d, "receive", "receive_dossier", "receiving_officer")
            self.step(d, "process", "process_dossier", "specialist", note=f"dokiem {self.run_id}: thụ lý")
            self.step(d, "stop", "stop_dossier", "specialist",
                      reason=f"Người nộp không hoàn thiện hồ sơ đúng hạn (dokiem {self.run_id})")
            self.after_final(d, "process_dossier", "specialist", note=f"dokiem {self.run_id}: thử xử lý sau khi dừng")
        finally:
            if d["code"]:
                self.finish_probes(d)

    def after_final(self, dossier: dict, operation: str, role: str, **inputs) -> None:
        """Try to process a dossier in a final state: the target must refuse and keep the status."""
        attempt = {"operation": operation, "role": role, "ok": None, "http_status": None, "error": None,
                   "backoffice_label": None, "backoffice_code": None, "time": _now()}
        client = self.client(role)
        if client is None or not self.has(operation):
            attempt["error"] = "no session or operation not configured"
        else:
            try:
                result = client.call(operation, dossier_code=dossier["code"], **inputs)
                attempt.update(ok=result.ok, http_status=result.status, error=None if result.ok else result.describe()[:300])
            except Exception as exc:
                attempt["error"] = f"{type(exc).__name__}: {exc}"
        officer = self.client("receiving_officer")
        if officer is not None:
            seen = self.view(officer, dossier["code"])
            attempt.update(backoffice_label=seen["label"], backoffice_code=seen["code"])
        dossier["attempts_after_final"].append(attempt)

    # ================================================================ around a dossier
    def intake_queue(self, dossier: dict) -> None:
        """Does a dossier submitted on the portal reach the back office's register (intake queue)?"""
        officer = self.client("receiving_officer")
        queue = {"seen": False, "delay_s": None, "error": None}
        dossier["intake_queue"] = queue
        if officer is None or not self.has("list_dossiers"):
            queue["error"] = "list_dossiers cannot be called (no officer session or not configured)"
            return
        day = dt.datetime.now(VIETNAM).date().isoformat()

        def read():
            result = officer.call("list_dossiers", date_from=day, date_to=day)
            if not result.ok:
                queue["error"] = result.describe()[:300]
                return False
            return dossier["code"] in _text(result.vars.get("dossiers"))
        seen, delay = self.wait_until(read, bool, kind="intake_queue")
        queue.update(seen=bool(seen), delay_s=delay)

    def nps_seq(self) -> int:
        try:
            return self.nps.last_seq()
        except Exception:
            return self.seq_start

    def payment(self, d: dict, pay: dict, seq: int, before: int | None, fee) -> None:
        """The INIT the target sent, the citizen paying on the platform, and the dossier after it."""
        reference = pay["vars"].get("payment_reference")
        info = {"reference": reference, "amount_requested": fee, "init": [], "complete": None, "error": None,
                "payment_after": None}
        d["payment"] = info
        record = {"step": "payment_confirmed", "operation": "nps.complete_payment", "role": "payment_platform",
                  "username": None, "started": _now(), "finished": None, "ok": False, "http_status": None,
                  "error": None, "expected_code": before, "vars": {}, "reason": None}
        if not reference:
            record["error"] = "pay_fee returned no payment_reference — thao tác thanh toán không trả về mã tham chiếu"
        else:
            try:
                inits = self.nps.wait_for(kind="payment", service="INIT", since=seq, match=reference,
                                          timeout=self.sync_delay)
                info["init"] = [{"seq": r.get("seq"), "time": r.get("time"), "request": r.get("request"),
                                 "response": r.get("response"), "validation": r.get("validation")} for r in inits]
                record["started"] = _now()
                done = self.nps.complete_payment(reference)
                callback = done.get("callback") or {}
                info["complete"] = {"TrangThaiGD": done.get("TrangThaiGD"), "callback_status": callback.get("http_status"),
                                    "callback_body": callback.get("body"), "callback_error": callback.get("error")}
                record["http_status"] = callback.get("http_status")
                record["ok"] = callback.get("http_status") == 200
                if not record["ok"]:
                    record["error"] = f"the target's payment callback answered {callback} — phản hồi xác nhận thanh toán"
            except Exception as exc:
                record["error"] = f"{type(exc).__name__}: {exc}"
        record["finished"] = _now()
        d["steps"].append(record)
        if not record["ok"]:
            info["error"] = record["error"]
            self.error(f"{d['key']} payment_confirmed: {record['error']}")
            raise StepFailed("payment_confirmed")
        self.read_views(d, record)
        info["payment_after"] = self.view(self.client("citizen"), d["code"])["vars"].get("payment")

    def download_result(self, d: dict, after: str, role: str = "citizen", index: int = 0) -> dict:
        row = {"after_step": after, "role": role, "ok": False, "http_status": None, "content_type": None, "size": 0,
               "sha256": None, "is_pdf": False, "error": None}
        client = self.client(role, index)
        if client is None or not self.has("download_result"):
            row["error"] = "download_result cannot be called (no session or not configured)"
        else:
            result = client.call("download_result", dossier_code=d["code"])
            content = result.content if result.ok else b""
            row.update(ok=result.ok, http_status=result.status, content_type=result.headers.get("Content-Type")
                       or result.headers.get("content-type"), size=len(content),
                       sha256=hashlib.sha256(content).hexdigest() if content else None,
                       is_pdf=content.startswith(b"%PDF"), error=None if result.ok else result.describe()[:300])
            if result.ok and content:
                self._results[d["key"]] = content
        d["result_downloads"].append(row)
        return row

    def signature(self, d: dict) -> None:
        info = {"feature_absent": "digital_signature" in self.profile.features_absent, "detached_status": None,
                "kind": None, "verified": None, "detail": None, "signer": None, "checked_at": None, "error": None}
        d["signature"] = info
        if info["feature_absent"]:
            return
        pdf = self._results.get(d["key"])
        if not pdf:
            info["error"] = "no electronic result was downloaded — không tải được kết quả điện tử"
            return
        detached = None
        if self.has("x_download_result_signature"):
            result = self.client("citizen").call("x_download_result_signature", dossier_code=d["code"])
            info["detached_status"] = result.status
            if result.ok and result.content:
                detached = result.content
                self.sc.evidence.write_bytes(f"{d['key']}-result.sig", detached)
            elif result.status not in (404, 410) and not (result.ok and not result.content):
                info["error"] = f"the signature could not be downloaded: {result.describe()[:300]}"
                return
        self.sc.evidence.write_bytes(f"{d['key']}-result.pdf", pdf)
        info.update(verify_result(pdf, detached, self.profile.ca_file))

    def rating(self, d: dict) -> None:
        """Rate once (a step), read it back; rate again: refused, or the new score replaces the first."""
        info = {"first": None, "second": None, "rating_after_first": None, "rating_after_second": None}
        d["rating"] = info
        citizen = self.client("citizen")
        try:
            first = self.step(d, "rate", "rate_dossier", "citizen", expected=self.current_code(d), score=5,
                              comment=f"dokiem {self.run_id}: rất hài lòng")
            info["first"] = {"ok": True, "http_status": first["http_status"], "score": 5, "error": None}
        except StepFailed:
            last = d["steps"][-1]
            info["first"] = {"ok": False, "http_status": last["http_status"], "score": 5, "error": last["error"]}
            return
        info["rating_after_first"] = citizen.call("get_dossier", dossier_code=d["code"]).vars.get("rating")
        second = citizen.call("rate_dossier", dossier_code=d["code"], score=2, comment=f"dokiem {self.run_id}: lần hai")
        info["second"] = {"ok": second.ok, "http_status": second.status, "score": 2,
                          "error": None if second.ok else second.describe()[:300]}
        info["rating_after_second"] = citizen.call("get_dossier", dossier_code=d["code"]).vars.get("rating")

    def cross_citizen(self, d: dict) -> None:
        """Another citizen asks for this dossier and its result: both must be refused."""
        other = self.client("citizen", 1) if self.profile.account("citizen", 1) else None
        info = {"username": other.account.username if other else None, "get_dossier": None, "download_result": None,
                "error": None if other else "the profile has no second citizen account"}
        d["cross_citizen"] = info
        if other is None:
            return
        for operation in ("get_dossier", "download_result"):
            result = other.call(operation, dossier_code=d["code"])
            body = result.content if result.content else b""
            info[operation] = {"ok": result.ok, "http_status": result.status, "is_pdf": body.startswith(b"%PDF"),
                               "names_applicant": bool(d["applicant"]["full_name"])
                               and documents.contains(_text(body), d["applicant"]["full_name"])}

    def print_form(self, d: dict, number: int) -> None:
        row = {"ok": False, "http_status": None, "content_type": None, "size": 0, "text": "", "error": None}
        d["forms"][str(number)] = row
        officer = self.client("receiving_officer")
        if officer is None or not self.has("print_form"):
            row["error"] = "print_form cannot be called (no officer session or not configured)"
            return
        result = officer.call("print_form", dossier_code=d["code"], form_number=number)
        ctype = result.headers.get("Content-Type") or result.headers.get("content-type") or ""
        row.update(ok=result.ok, http_status=result.status, content_type=ctype, size=len(result.content),
                   error=None if result.ok else result.describe()[:300])
        if result.ok:
            row["text"] = documents.document_text(result.content, ctype)
            if "html" in ctype:  # HTML forms are kept as evidence; the text of every form is in the row
                self.sc.evidence.write_text(f"{d['key']}-mau-{number:02d}.html", result.text)

    def attachments(self, d: dict) -> None:
        """Every file uploaded: listed under its component in the back office, downloadable unchanged."""
        officer = self.client("receiving_officer")
        if officer is None or not d["code"] or not d["files"]:
            return
        seen = self.view(officer, d["code"])
        listed = seen["vars"].get("attachments") if seen["ok"] else None
        listed = listed if isinstance(listed, list) else []
        base = self.profile.base_url("api") + "/"
        for uploaded in d["files"]:
            row = {"name": uploaded["name"], "component_code": uploaded["component_code"], "listed": False,
                   "listed_component": None, "download_status": None, "download_sha256": None, "error": None}
            d["attachments"].append(row)
            if not seen["ok"]:
                row["error"] = seen["error"]
                continue
            entry = next((a for a in listed if isinstance(a, dict)
                          and any(documents.comparable(v) == documents.comparable(uploaded["name"])
                                  for v in a.values() if isinstance(v, str))), None)
            if entry is None:
                continue
            row["listed"] = True
            row["listed_component"] = next((entry[k] for k in entry if re.search(r"component|thanh_?phan", k, re.I)
                                            and entry[k]), None)
            link = next((entry[k] for k in entry if re.search(r"url|link|href|duong_?dan", k, re.I)
                         and isinstance(entry[k], str) and entry[k]), None)
            if link is None:
                row["error"] = "the listing gives no download link — danh sách tệp không có đường dẫn tải"
                continue
            response = officer.request("GET", urljoin(base, link))
            if response is None:
                row["error"] = "no answer to the download"
                continue
            row["download_status"] = response.status_code
            if response.status_code == 200:
                row["download_sha256"] = hashlib.sha256(response.content).hexdigest()

    # ================================================================ the browser part
    def browser_part(self) -> None:
        info = self.obs["browser"]
        if self.open_browser is None:
            info["errors"].append("no browser in this run")
            return
        try:
            browser = self.open_browser()
        except Exception as exc:
            info["errors"].append(f"the browser did not start: {type(exc).__name__}: {exc}")
            return
        account = self.profile.account("citizen", 0)
        info["known"] = dict(account.known) if account else {}
        d = None
        with self.sc.browser(browser, "citizen", storage_state=account.storage_state if account else None) as session:
            if not self.browser_login(session, account):
                return
            d = self.browser_submit(session)
        if d is not None and d["code"]:
            self.guard("online_browser life", lambda: self.browser_life(browser, account, d))

    def browser_login(self, session, account) -> bool:
        info = self.obs["browser"]
        info["login"] = {"ok": False, "error": None, "started": _now()}
        if account is None:
            info["login"]["error"] = "no citizen account"
            return False
        if account.storage_state:
            info["login"]["ok"] = True  # the saved session is the login
            return True
        try:
            session.journey("login", username=account.username, password=account.password)
            info["login"]["ok"] = True
        except Exception as exc:
            info["login"]["error"] = f"{type(exc).__name__}: {exc}"
            info["errors"].append(f"login journey: {info['login']['error']}")
        return info["login"]["ok"]

    def browser_submit(self, session) -> dict | None:
        """Submit through the e-form: the fields the page pre-filled are read before anything is typed."""
        info = self.obs["browser"]
        d = self.new_dossier("online_browser", "online", self.test_data.get("online_procedure"))
        files = self.make_files(d, 1)
        record = {"step": "submit", "operation": "journey:submit_online", "role": "citizen",
                  "username": d["applicant"]["username"], "started": _now(), "finished": None, "ok": False,
                  "http_status": None, "error": None, "expected_code": 1, "vars": {}, "reason": None}
        try:
            out = session.journey("submit_online", procedure_code=d["procedure_code"], ghi_chu=d["form_data"]["ghi_chu"],
                                  trich_yeu=d["form_data"].get("trich_yeu", ""), files=files)
            info["prefilled"] = {k[len("prefilled_"):]: v for k, v in out.items() if k.startswith("prefilled_")}
            d["code"] = (out.get("dossier_code") or "").strip() or None
            record.update(ok=bool(d["code"]), vars=_scalars({k: v for k, v in out.items() if not k.startswith("prefilled_")}),
                          error=None if d["code"] else "the journey read no dossier_code — hành trình không đọc được mã hồ sơ")
        except Exception as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"
            # what the form showed before sending failed is still an observation (dossier.prefill)
            read = getattr(exc, "read", {}) or {}
            info["prefilled"] = {k[len("prefilled_"):]: v for k, v in read.items() if k.startswith("prefilled_")}
        record["finished"] = _now()
        info["submit"] = {"ok": record["ok"], "code": d["code"], "error": record["error"]}
        d["steps"].append(record)
        if not record["ok"]:
            info["errors"].append(f"submit_online journey: {record['error']}")
            self.obs["dossiers"].remove(d)  # no dossier was made (as far as the harness can tell)
            return None
        self.read_views(d, record)
        return d

    def browser_life(self, browser, account, d: dict) -> None:
        info = self.obs["browser"]
        try:
            self.step(d, "receive", "receive_dossier", "receiving_officer")
            self.step(d, "process", "process_dossier", "specialist", note=f"dokiem {self.run_id}: thụ lý")
            self.step(d, "approve", "approve_dossier", "leader")
            self.step(d, "return", "return_result", "receiving_officer")
        finally:
            self.finish_probes(d)
        rate = {"ok": False, "score": 4, "error": None, "rating_after": None, "started": _now()}
        info["rate"] = rate
        with self.sc.browser(browser, "rating", storage_state=account.storage_state) as session:
            try:
                if self.browser_login(session, account):
                    session.journey("rate_dossier", dossier_code=d["code"], score=4,
                                    comment=f"dokiem {self.run_id}: đánh giá trên trình duyệt")
                    rate["ok"] = True
            except Exception as exc:
                rate["error"] = f"{type(exc).__name__}: {exc}"
                info["errors"].append(f"rate_dossier journey: {rate['error']}")
        if rate["ok"]:
            seen, _ = self.wait_until(lambda: self.view(self.client("citizen"), d["code"]),
                                      lambda v: v["vars"].get("rating") is not None, kind="rating")
            rate["rating_after"] = seen["vars"].get("rating")

    # ================================================================ lookups
    def lookup(self, d: dict, after: str | None = None) -> dict | None:
        if not d.get("code"):
            return None
        expected = self.current_code(d)
        row = {"key": d["key"], "code": d["code"], "after_step": after or (d["steps"][-1]["step"] if d["steps"] else None),
               "expected_code": expected, "ok": False, "http_status": None, "status_label": None, "status_code": None,
               "error": None, "text": ""}
        if not self.has("lookup_dossier"):
            row["error"] = "lookup_dossier is not configured"
            self.obs["lookups"].append(row)
            return row
        client = self.anonymous()

        def read():
            result = client.call("lookup_dossier", dossier_code=d["code"])
            label = result.vars.get("status_label") if result.ok else None
            return {"ok": result.ok, "http_status": result.status, "status_label": label,
                    "status_code": self.national_code(label, result.vars.get("status_code") if result.ok else None),
                    "error": None if result.ok else result.describe()[:300], "text": result.text[:MAX_TEXT]}
        # read again only while the portal may still be catching up (an old status, or not there yet)
        seen, delay = self.wait_until(read, lambda v: (v["ok"] and v["status_code"] == expected)
                                      or (not v["ok"] and v["http_status"] != 404), kind="lookup")
        row.update(seen, delay_s=delay)
        self.obs["lookups"].append(row)
        return row

    def final_lookups(self) -> None:
        for d in self.obs["dossiers"]:
            self.guard(f"{d['key']} lookup", lambda d=d: self.lookup(d, "end"))
        full = self.dossier("online_full")
        if full is None or not full["code"] or self.open_browser is None:
            return
        info = self.obs["browser"]
        row = {"code": full["code"], "expected_code": self.current_code(full), "ok": False, "status_label": None,
               "status_code": None, "error": None, "page_text": ""}
        info["lookup"] = row
        try:
            browser = self.open_browser()
            with self.sc.browser(browser, "lookup") as session:  # a fresh context: nobody is logged in
                try:
                    out = session.journey("lookup_dossier", dossier_code=full["code"])
                    row.update(ok=True, status_label=out.get("status_label"),
                               status_code=self.national_code(out.get("status_label"), out.get("status_code")))
                except Exception as exc:
                    row["error"] = f"{type(exc).__name__}: {exc}"
                    info["errors"].append(f"lookup_dossier journey: {row['error']}")
                try:
                    row["page_text"] = documents.html_text(session.page.content())[:MAX_TEXT]
                except Exception:
                    pass
        except Exception as exc:
            row["error"] = row["error"] or f"{type(exc).__name__}: {exc}"

    def dossier(self, key: str) -> dict | None:
        return next((d for d in self.obs["dossiers"] if d["key"] == key), None)

    # ================================================================ lists, register, log
    def item_code(self, item, codes: set[str]) -> str | None:
        values = [v for v in (item.values() if isinstance(item, dict) else [item]) if isinstance(v, str)]
        return (next((v for v in values if v in codes), None)
                or next((v for v in values if self.code_pattern.match(v)), None))

    def item_status(self, item) -> tuple[str | None, int | None]:
        if not isinstance(item, dict):
            return None, None
        for key in sorted(item, key=lambda k: 0 if re.search(r"status|trang_?thai", k, re.I) else 1):
            value = item[key]
            if isinstance(value, str) and self.profile.status_code(value) is not None:
                return value, self.profile.status_code(value)
        return None, None

    def my_dossiers(self) -> None:
        codes = {d["code"] for d in self.obs["dossiers"] if d["code"]}
        for index in (0, 1):
            account = self.profile.account("citizen", index)
            if account is None:
                continue
            entry = {"username": account.username, "ok": False, "error": None, "items": []}
            self.obs["my_dossiers"][f"citizen{index}"] = entry
            client = self.client("citizen", index)
            if client is None or not self.has("list_my_dossiers"):
                entry["error"] = "list_my_dossiers cannot be called (no session or not configured)"
                continue
            result = client.call("list_my_dossiers")
            entry.update(ok=result.ok, http_status=result.status, error=None if result.ok else result.describe()[:300])
            for item in (result.vars.get("dossiers") or []) if result.ok else []:
                label, code = self.item_status(item)
                entry["items"].append({"code": self.item_code(item, codes), "status_label": label, "status_code": code})

    def run_days(self) -> tuple[str, str]:
        start = documents.local_date(self.obs["started"]) or dt.datetime.now(VIETNAM).date()
        return start.isoformat(), dt.datetime.now(VIETNAM).date().isoformat()

    @staticmethod
    def item_appointment(item) -> str | None:
        if not isinstance(item, dict):
            return None
        return next((item[k] for k in item if re.search(r"appointment|hen_?tra|ngay_?hen", k, re.I)
                     and isinstance(item[k], str)), None)

    def register(self) -> None:
        date_from, date_to = self.run_days()
        info = {"ok": False, "date_from": date_from, "date_to": date_to, "count": 0, "items": [], "error": None}
        self.obs["register"] = info
        officer = self.client("receiving_officer")
        if officer is None or not self.has("list_dossiers"):
            info["error"] = "list_dossiers cannot be called (no officer session or not configured)"
            return
        result = officer.call("list_dossiers", date_from=date_from, date_to=date_to)
        info.update(ok=result.ok, http_status=result.status, error=None if result.ok else result.describe()[:300])
        codes = {d["code"] for d in self.obs["dossiers"] if d["code"]}
        items = (result.vars.get("dossiers") or []) if result.ok else []
        info["count"] = len(items)
        for item in items:
            code = self.item_code(item, codes)
            if code not in codes:
                if self.read_only and len(info["items"]) < 200:
                    label, status = self.item_status(item)  # dossiers already there, for the overdue flag
                    info["items"].append({"code": code, "status_label": label, "status_code": status, "dates": [],
                                          "overdue": item.get("overdue") if isinstance(item, dict) else None,
                                          "appointment_date": self.item_appointment(item)})
                continue
            label, status = self.item_status(item)
            dates = sorted({str(documents.local_date(v)) for v in (item.values() if isinstance(item, dict) else [])
                            if isinstance(v, str) and documents.local_date(v)})
            info["items"].append({"code": code, "status_label": label, "status_code": status, "dates": dates,
                                  "overdue": item.get("overdue") if isinstance(item, dict) else None,
                                  "appointment_date": self.item_appointment(item)})

    def overdue(self) -> None:
        info = {"fixture_code": None, "error": None, "before": None, "apology": None, "after": None}
        self.obs["overdue"] = info
        try:
            info["fixture_code"] = str(self.sc.fixture("overdue_dossier"))
        except Exception as exc:
            info["error"] = f"{type(exc).__name__}: {exc}"
            self.error(f"overdue fixture: {info['error']}")
            return
        officer = self.client("receiving_officer")
        if officer is None:
            info["error"] = "no receiving officer session"
            return

        def state():
            seen = self.view(officer, info["fixture_code"])
            return {"ok": seen["ok"], "http_status": seen["http_status"], "status_label": seen["label"],
                    "status_code": seen["code"], "overdue": seen["vars"].get("overdue"),
                    "appointment_date": seen["vars"].get("appointment_date"), "error": seen["error"]}
        info["before"] = state()
        if self.read_only:
            return  # printing the apology slip may issue it: a change
        probe = {"key": "overdue_fixture", "code": info["fixture_code"], "forms": {}}
        self.print_form(probe, 4)
        info["apology"] = probe["forms"]["4"]
        info["after"] = state()

    def audit(self) -> None:
        date_from, date_to = self.run_days()
        info = {"ok": False, "error": None, "date_from": date_from, "date_to": date_to, "entries": [], "total": 0}
        self.obs["audit"] = info
        admin = self.client("admin")
        if admin is None or not self.has("get_audit_log"):
            info["error"] = "get_audit_log cannot be called (no admin session or not configured)"
            return
        result = admin.call("get_audit_log", date_from=date_from, date_to=date_to)
        info.update(ok=result.ok, http_status=result.status, error=None if result.ok else result.describe()[:300])
        entries = result.vars.get("entries") if result.ok else None
        entries = entries if isinstance(entries, list) else []
        info["total"] = len(entries)
        needles = {d["code"] for d in self.obs["dossiers"] if d["code"]}
        needles |= {row["username"] for row in self.obs["logins"] if row["username"]}
        for entry in entries:
            text = _text(entry)
            if not any(n in text for n in needles):
                continue
            moment = _entry_time(entry) if isinstance(entry, dict) else None
            info["entries"].append({"time": moment, "text": text[:1000]})
            if len(info["entries"]) >= MAX_AUDIT_ENTRIES:
                break

    def packets(self) -> None:
        """Per dossier, the DongBoHoSoMC objects the simulator received for it, waited for (within the
        sync delay) until the last one carries the dossier's final status."""
        wanted = [d for d in self.obs["dossiers"] if d["code"]]
        if not wanted:
            return
        deadline = time.monotonic() + min(self.sync_delay, max(self.wait_left, 0.0))
        for d in wanted:
            final = d["final_expected_code"]
            while True:
                records = self.nps.records(kind="packet", service="DongBoHoSoMC", since=self.seq_start, match=d["code"])
                objects = [{"seq": r.get("seq"), "time": r.get("time"),
                            **{k: o.get(k) for k in ("MaHoSo", "TrangThaiHoSo", "KenhThucHien", "HinhThuc", "NgayTra")}}
                           for r in records for o in ((r.get("request") or {}).get("data") or [])
                           if isinstance(o, dict) and o.get("MaHoSo") == d["code"]]
                if (objects and str(objects[-1].get("TrangThaiHoSo")) == str(final)) or time.monotonic() > deadline:
                    break
                time.sleep(0.25)
            d["packets"] = objects

    def statistics(self, which: str) -> None:
        if not self.has("get_statistics"):
            self.obs["statistics_error"] = "get_statistics is not configured — chưa khai báo thao tác get_statistics"
            return
        day_from, day_to = self.run_days()
        result = self.anonymous().call("get_statistics", date_from=day_from, date_to=day_to)
        if not result.ok:
            self.obs["statistics_error"] = result.describe()[:300]
            return
        self.obs[which] = {k: result.vars.get(k) for k in ("received", "resolved", "on_time", "late", "pending")}
