"""The machinery every part of `dossier_life` drives the target with: one scenario, its sessions
per role, the dossiers' steps and the two views read after each, bounded waiting, and the
observations the parts fill in (their contract: suites/dossier/observations.schema.json).

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

from harness.gaps import note_refusal
from harness.national import VIETNAM
from harness.profile_values import sends_component_codes

from suites import personal_data
from suites.dossier import documents

# All waiting for views, lookups and packets together stays under this many sync delays.
WAIT_BUDGET_SYNC_DELAYS = 3
FIRST_POLL_S, MAX_POLL_S = 0.1, 2.0
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
    "delayed": "submitted online, received, processed, then apologised for (Mẫu 04, a new date) well before its appointment",
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


class Driver:
    """One drive of the target shared by the parts: `obs` is the observations they fill in."""

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
        # production without a written authorisation for `mutates`: nothing may be created or changed
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
                        "lookup": None, "other_lookups": []},
            "my_dossiers": {}, "register": None, "overdue": None, "audit": None,
            "errors": [],
        }

    def start(self) -> None:
        """Before any dossier: where the simulator's records of this run begin, and the statistics."""
        if self.read_only:
            self.error("read-only run (production, mutates not authorised): no dossier is created — chỉ đọc, "
                       "không tạo hồ sơ")
            return
        try:
            self.seq_start = self.nps.last_seq()
            # later scenarios read only what the simulator received from here on: a simulator shared
            # by several runs (simulator.url) holds older records, maybe for the same dossier codes
            self.obs["simulator_seq_start"] = self.seq_start
        except Exception as exc:  # the simulator is the harness's own: note it, packets stay unobserved
            self.error(f"simulator: {exc}")
        self.guard("statistics_before", lambda: self.statistics("statistics_before"))

    def dossiers(self, *keys: str) -> list[dict]:
        """The dossiers of these keys made so far, in the order they were made."""
        return [d for d in self.obs["dossiers"] if d["key"] in keys]

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
            dossier["personal"] = {k: v for k, v in account.known.items() if k in personal_data.KINDS and v}
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

    def make_files(self, dossier: dict, count: int, label: str = "tep", via: str | None = None) -> list[dict]:
        """Small PDF files unique to this run and dossier, for the procedure's first components.

        `via` is the operation that sends them (None: a browser journey). When its request sends
        each file's component code (profile_values.sends_component_codes), the target is held to
        the codes, and the files go in the reverse of the component order: a target that files
        uploads by position instead of by the code sent shows it. Otherwise they go in component
        order and nothing is claimed about where the target files them."""
        components = dossier["procedure"].get("component_codes") or []
        chosen = [components[min(n, len(components) - 1)] if components else None for n in range(count)]
        sent = via is not None and sends_component_codes(self.profile.operations.get(via) or {})
        if sent:
            chosen.reverse()
        files = []
        for n, component in enumerate(chosen):
            name = f"dokiem-{dossier['key']}-{label}-{n + 1}.pdf"
            content = (f"%PDF-1.4\n% dokiem {self.run_id} {dossier['key']} {label} {n + 1} "
                       f"{secrets.token_hex(8)}\n%%EOF\n").encode("ascii")
            files.append({"name": name, "content": content, "content_type": "application/pdf",
                          "component_code": component})
            dossier["files"].append({"name": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
                                     "component_code": component, "component_sent": sent and component is not None,
                                     "supplement": label != "tep"})
        return files

    def submit(self, dossier: dict, files: int, index: int = 0) -> dict:
        """Submit the dossier with `files` new files (make_files) through submit_dossier."""
        return self.step(dossier, "submit", "submit_dossier", dossier["applicant"]["role"] or "citizen", index,
                         registers=True, procedure_code=dossier["procedure_code"], form_data=dossier["form_data"],
                         files=self.make_files(dossier, files, via="submit_dossier"))

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
        if self.profile.step_absent(step) or self.profile.implicit_step(step):
            return self.skip(dossier, step, operation, role)
        if step == "submit" and self.profile.implicit_step("receive") == "on_submit":
            expected = STEP_CODES["receive"]  # the target receives an online dossier as it is submitted
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
                              error=None if result.ok else note_refusal(client, result) or result.describe())
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

    def skip(self, dossier: dict, step: str, operation: str, role: str) -> dict:
        """A step the profile's status_model says the target does not have (or takes by itself):
        recorded, nothing sent, no status expected of it; the life goes on."""
        record = {"step": step, "operation": operation, "role": role, "username": None, "started": _now(),
                  "finished": _now(), "ok": True, "http_status": None, "error": None, "expected_code": None,
                  "vars": {}, "reason": None, "view_error": None,
                  "skipped": "absent" if self.profile.step_absent(step) else "implicit"}
        dossier["steps"].append(record)
        return record

    # ================================================================ reading the dossier
    def view(self, client, code: str, expected: int | None = None) -> dict:
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
            seen["code"] = self.national_code(seen["label"], result.vars.get("status_code"), expected)
        return seen

    def national_code(self, label, direct=None, expected: int | None = None) -> int | None:
        code = self.profile.status_code(label, expected) if isinstance(label, str) else None
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
                    last[side] = self.view(client, code, expected)
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
        seen = self.view(officer, dossier["code"], dossier["final_expected_code"])
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
            mine = self.view(citizen, dossier["code"], dossier["final_expected_code"]) if citizen is not None else {"ok": False}
            if mine["ok"]:
                dossier["citizen_view"] = mine["json"]
                dossier["result_offered"] = bool(mine["vars"].get("result"))
        applicant = values.get("applicant")
        if isinstance(applicant, dict):
            for ours, keys in (("full_name", ("full_name", "ho_ten")), ("birth_date", ("birth_date", "ngay_sinh")),
                               ("id_number", ("id_number", "so_dinh_danh", "cccd")), ("phone", ("phone", "dien_thoai")),
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

    # ================================================================ probes every dossier ends with
    def finish_probes(self, d: dict, forms=()) -> None:
        for number in forms:
            self.guard(f"{d['key']} form {number}", lambda n=number: self.print_form(d, n))
        self.guard(f"{d['key']} attachments", lambda: self.attachments(d))
        self.guard(f"{d['key']} final view", lambda: self.finish(d))

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
            row = {"name": uploaded["name"], "component_code": uploaded["component_code"],
                   "component_sent": uploaded["component_sent"], "listed": False,
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
                    "status_code": self.national_code(label, result.vars.get("status_code") if result.ok else None,
                                                      expected),
                    "error": None if result.ok else result.describe()[:300], "text": result.text[:MAX_TEXT]}
        # read again only while the portal may still be catching up (an old status, or not there yet)
        seen, delay = self.wait_until(read, lambda v: (v["ok"] and v["status_code"] == expected)
                                      or (not v["ok"] and v["http_status"] != 404), kind="lookup")
        row.update(seen, delay_s=delay)
        self.obs["lookups"].append(row)
        return row

    def dossier(self, key: str) -> dict | None:
        return next((d for d in self.obs["dossiers"] if d["key"] == key), None)

    # ================================================================ lists and totals
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

    def run_days(self) -> tuple[str, str]:
        start = documents.local_date(self.obs["started"]) or dt.datetime.now(VIETNAM).date()
        return start.isoformat(), dt.datetime.now(VIETNAM).date().isoformat()

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
