"""The `access_probe` scenario: one dossier of its own, driven through its life by the roles it
belongs to, while a second citizen and the wrong roles try every step on it.

Each attempt is made when the dossier is in a status where the step is allowed to someone, so
a refusal can only come from who is asking. After every attempt that would change the dossier,
the owner reads its status again: a refusal that changed it anyway is no refusal. The dossier
carries `dokiem <run id> access_probe` in its form data (ghi_chu), so it can be found and purged,
and any answer to the intruders that contains that tag has leaked the dossier.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from urllib.parse import urlsplit

from harness.gaps import vocabulary_role
from harness.judging import now_iso
from harness.national import ALLOWED_TRANSITIONS, status_name
from harness.profile import target_hosts
from suites import personal_data
from suites.security.answers import around_today, message_of

EXCERPT = 1500
# The two citizens of the probe: the dossier's owner and another citizen, as (role, account index).
CITIZENS = {"owner": ("citizen", 0), "other": ("citizen", 1)}
ANONYMOUS = "anonymous"  # a visitor without a session
# Steps of the dossier's life by the national status they lead to: tried out of order, each by the
# role that owns it, wherever the national list (harness.national.ALLOWED_TRANSITIONS) forbids it
ORDERED_STEPS = (("process_dossier", 4, {"note": "dokiem step_order"}), ("approve_dossier", 9, {}),
                 ("return_result", 10, {}))
# Those who may never take an officer's step: the dossier's own applicant and a visitor without a session.
NEVER_OFFICERS = ("owner", ANONYMOUS)
# The statuses of a received dossier still being handled, before its result: where a step that keeps
# the status (the apology) is allowed to the officer whose step it is.
OPEN_STATUSES = frozenset({2, 4, 5, 6})
MAX_LINKS = 12           # links of the owner's answers replayed by the others (the first found)
MAX_OFFICER_URLS = 12    # back-office URLs of the officers' reads replayed by the others (the first found)
# a path part this long, of letters and digits mixed, is an unguessable token: the link is a
# capability (whoever holds it may fetch it by design) and is listed, not replayed
CAPABILITY = re.compile(r"(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}")


def document(run_id: str, purpose: str) -> list[dict]:
    content = f"%PDF-1.4\n% dokiem {run_id} {purpose}\n%%EOF\n".encode()
    return [{"name": f"dokiem-{purpose}.pdf", "content": content, "content_type": "application/pdf"}]


class AccessProbe:
    def __init__(self, sc, run_id: str):
        self.sc, self.run_id = sc, run_id
        self.profile = sc.profile
        self.tag = f"dokiem {run_id} access_probe"
        self.steps: list[dict] = []
        self.errors: list[str] = []
        self.code: str | None = None
        self.clients: dict[str, object] = {}
        self.owner_answers: dict[str, object] = {}  # step key -> the owner's get_dossier answer (JSON)
        self.capability_links: list[str] = []

    def client(self, who: str):
        """owner / other (citizens 1 and 2) or a role name; None when the profile has no such account."""
        if who == ANONYMOUS and who not in self.clients:
            self.clients[who] = self.sc.client(None)
        if who not in self.clients:
            role, index = CITIZENS.get(who, (who, 0))
            if self.profile.account(role, index) is None:
                self.clients[who] = None
            else:
                try:
                    self.clients[who] = self.sc.client(role, index)
                except Exception as exc:  # cannot log in: every step of that account is unclear
                    self.errors.append(f"{who}: {exc}")
                    self.clients[who] = None
        return self.clients[who]

    # ---------------------------------------------------------------- one attempt
    def step(self, key: str, who: str, operation: str, expect: str, check: str, purpose: str,
             changes: bool = False, **inputs) -> dict:
        row = {"key": key, "who": who, "operation": operation, "expect": expect, "check": check,
               "purpose": purpose, "status": None, "ok": False, "message": None, "excerpt": "",
               "status_before": None, "status_after": None, "error": None}
        client = self.client(who)
        if client is None:
            row["error"] = f"no usable account for '{who}' — không có tài khoản '{who}'"
        elif not client.has(operation):
            row["error"] = f"operation '{operation}' is not configured — chưa khai báo thao tác"
        else:
            if changes:
                row["status_before"] = self.owner_status()
            row["started"] = now_iso()
            inputs.setdefault("dossier_code", self.code)
            try:
                result = client.call(operation, **inputs)
            except Exception as exc:  # a template that needs what we did not give: configuration
                row["error"] = str(exc)[:400]
                self.steps.append(row)
                return row
            row.update(status=result.status, ok=result.ok, message=message_of(result.content, result.json)[:300],
                       excerpt=result.text[:EXCERPT], error=result.error or None, vars=_plain(result.vars))
            if who != "owner" and expect == "denied":  # the owner's data anywhere in a refusal, in any spelling
                row["discloses"] = self.owner_data_in(result)
            if who == "owner" and operation == "get_dossier" and result.ok:
                self.owner_answers[key] = result.json
            if changes:
                row["status_after"] = self.owner_status()
        self.steps.append(row)
        return row

    def owner_status(self) -> str | None:
        owner = self.client("owner")
        if owner is None or self.code is None:
            return None
        result = owner.call("get_dossier", dossier_code=self.code)
        return result.vars.get("status_label") if result.ok else None

    def raw_get(self, key: str, who: str, url: str, check: str, purpose: str) -> dict:
        row = {"key": key, "who": who, "operation": "GET " + url, "expect": "denied", "check": check,
               "purpose": purpose, "status": None, "ok": False, "message": None, "excerpt": "", "error": None,
               "status_before": None, "status_after": None}
        client = self.client(who)
        if url.startswith("/"):
            url = self.profile.base_url("api") + url
        response = client.request("GET", url) if client is not None else None
        if response is None:
            row["error"] = "no answer — không có phản hồi"
        else:
            row.update(status=response.status_code, ok=200 <= response.status_code < 300,
                       message=message_of(response.content)[:300],
                       excerpt=response.content[:EXCERPT].decode("utf-8", "replace"),
                       sha256=hashlib.sha256(response.content).hexdigest(), size=len(response.content),
                       # a marker the URL itself holds could be an echo of the URL (a login page's
                       # return address): only the markers beyond the URL name the dossier
                       names_dossier=any(marker in response.content for marker in self.markers()
                                         if marker.decode() not in url) or bool(self.owner_data_in(response)),
                       holds_code=bool(self.code) and self.code.encode() in response.content)
        self.steps.append(row)
        return row

    def out_of_order(self, after: str) -> None:
        """At the status the owner reads now, each step the national list does not allow from it,
        tried by the role whose step it is: the refusal can only come from the order. After the
        lifecycle step `after`; nothing is tried when that step failed or the status is unknown."""
        done = next((row for row in reversed(self.steps) if row["key"] == after), None)
        label = self.owner_status() if done is not None and done.get("ok") else None
        codes = self.profile.status_codes(label)
        if not codes:
            self.steps.append({"key": f"order_after_{after}", "who": "owner", "operation": "get_dossier",
                               "expect": "allowed", "check": "step_order", "purpose": "the status to try steps from",
                               "status": None, "ok": False, "message": None, "excerpt": "", "status_before": label,
                               "status_after": None, "error": (f"after '{after}' the status is unknown ({label!r}) or "
                                                               "the step failed — không xác định được trạng thái")})
            return
        for operation, leads_to, inputs in ORDERED_STEPS:
            if any(leads_to in ALLOWED_TRANSITIONS.get(code, set()) or leads_to == code for code in codes):
                continue
            role = vocabulary_role(self.profile, operation)
            if role is None or self.profile.account(role) is None:
                continue
            row = self.step(f"order_{operation}_at_{codes[0]}", role, operation, "denied", "step_order",
                            f"the {role} takes '{operation}' (to {status_name(leads_to)}) while the dossier is "
                            f"{status_name(codes[0])}, which the national list does not allow", changes=True, **inputs)
            if row.get("ok") or row.get("status_before") != row.get("status_after"):
                return  # it went through: the dossier is elsewhere now, and the next attempts would not be out of order

    def intruders(self, after: str) -> None:
        """At the status the owner reads now, every officer's step of the vocabulary that this status
        allows (criteria/checks.yaml `role` and `leads_to` with the national transitions) is tried by
        the dossier's own applicant and by a visitor without a session: the status allows the step,
        so a refusal can only come from who is asking. Generated, not listed by hand, so a step the
        probe's authors never thought of is tried too. After the lifecycle step `after`."""
        done = next((row for row in reversed(self.steps) if row["key"] == after), None)
        codes = self.profile.status_codes(self.owner_status()) if done is not None and done.get("ok") else []
        if not codes:
            return  # out_of_order() at the same point records why the status is unknown
        for operation, inputs in officer_steps(self.profile, self.run_id):
            if operation not in self.profile.operations:
                continue  # not mapped: the target has no such step to open to the wrong people
            leads_to = self.profile.vocabulary[operation].get("leads_to")
            # every code the label may stand for must allow it: else a refusal could be the status's
            if not all((leads_to in ALLOWED_TRANSITIONS.get(code, set())) if leads_to else code in OPEN_STATUSES
                       for code in codes):
                continue
            for who in NEVER_OFFICERS:
                row = self.step(f"{who}_{operation}_at_{codes[0]}", who, operation, "denied", "roles",
                                f"{'the applicant' if who == 'owner' else 'a visitor without a session'} takes the "
                                f"{vocabulary_role(self.profile, operation)}'s step '{operation}' while the dossier is "
                                f"{status_name(codes[0])}, which allows it", changes=True, **inputs)
                if row.get("ok") or row.get("status_before") != row.get("status_after"):
                    return  # it went through: the dossier is elsewhere now

    def markers(self) -> list[bytes]:
        """What only the dossier's own answers hold: its code, the run's tag, the owner's name and
        the text of the files dokiem uploaded to it."""
        values = [self.code, self.tag, self._owner_known().get("full_name"),
                  *(f"dokiem {self.run_id} {purpose}" for purpose in ("ho-so", "bo-sung"))]
        return [value.encode() for value in values if value]

    def owner_data_in(self, response) -> list[str]:
        """The owner's personal data a textual answer (a response or an operation's result)
        discloses, in any common spelling."""
        headers = {k.lower(): v for k, v in (response.headers or {}).items()}
        if not headers.get("content-type", "").startswith(("text/", "application/json")):
            return []
        known = [(kind, value) for kind, value in self._owner_known().items() if value]
        return personal_data.leaks(response.content.decode("utf-8", "replace"), known)

    def replay_links(self, *keys: str) -> None:
        """Every link to the dossier's files in the owner's answers (attachments, result, signature,
        receipts: any URL on the target), fetched by the owner (the control), then replayed by
        another citizen and by a visitor without a session: each must get nothing of the owner's."""
        links, capabilities = [], []
        for key in keys:
            for link in links_in(self.owner_answers.get(key), self.profile):
                if link in links or link in capabilities:
                    continue
                parts = urlsplit(link)
                (capabilities if CAPABILITY.search(parts.path + "?" + parts.query) else links).append(link)
        self.capability_links = capabilities
        forged = next((who for who in self.clients if who.startswith("forged_altered")), None)
        for n, url in enumerate(links[:MAX_LINKS], 1):
            self.raw_get(f"owner_link_{n}", "owner", url, "control", "the owner downloads a link of its dossier")
            self.raw_get(f"other_link_{n}", "other", url, "cross_citizen",
                         "another citizen downloads a link of the dossier")
            self.raw_get(f"anonymous_link_{n}", ANONYMOUS, url, "cross_citizen",
                         "a visitor without a session downloads a link of the dossier")
            if forged:  # a download route may check that a token is there, not that it is the one issued
                self.raw_get(f"forged_link_{n}", forged, url, "cross_citizen",
                             "the owner's link fetched with a forged session")

    def forged_sessions(self) -> None:
        """The owner's read made with a session that is not the one issued (ASVS V3.5.3): its token,
        or each of its session cookies, with one character changed; for a JWT also its own claims
        under the null algorithm (alg none, no signature). Each must be refused: a system that
        trusts a token without checking it hands the dossier to whoever forges one."""
        owner = self.client("owner")
        if owner is None:
            return
        cookies = [(c.name, c.value, c.domain, c.path) for c in owner.http.cookies if c.value]
        variants = forged_tokens(owner.token) if owner.token else (
            [("altered_cookie", None)] if cookies else [])
        for kind, token in variants:
            forged = self.sc.client(None)
            if token is not None:
                forged.use_token(token)  # redacted like the real one: it is nearly the real one
            else:
                for name, value, domain, path in cookies:
                    altered = alter(value)
                    forged.redactor.add(altered)
                    forged.http.cookies.set(name, altered, domain=domain, path=path)
            self.clients[f"forged_{kind}"] = forged
            self.step(f"forged_read_{kind}", f"forged_{kind}", "get_dossier", "denied", "cross_citizen",
                      f"the owner's read with a forged session ({kind.replace('_', ' ')})")

    def officer_reads(self) -> None:
        """The officers' reads of the dossier — each officer's own view (get_dossier), the receipt
        the receiving officer prints (print_form, Mẫu 01) and every other GET an officer sent with
        its session during the probe whose answer named the dossier — fetched again by that officer
        (the control), then replayed by another citizen and by a visitor without a session. Wherever
        the back office lives, on the portal's own base URL too, its reads must give them nothing of
        the dossier. The owner does not replay them: the dossier is its own."""
        for role in officer_roles(self.profile):
            if self.client(role) is not None and self.client(role).has("get_dossier"):
                self.step(f"{role}_read", role, "get_dossier", "allowed", "control", f"the {role} reads the dossier")
        if self.client("receiving_officer") is not None and self.client("receiving_officer").has("print_form"):
            self.step("officer_print_receipt", "receiving_officer", "print_form", "allowed", "control",
                      "the receiving officer prints the receipt (Mẫu 01)", form_number=1)
        urls = []
        for role in officer_roles(self.profile):
            client = self.clients.get(role)
            for url in officer_urls(client, self.markers(), self.profile) if client is not None else []:
                if url in [u for _, u in urls] or url in self.capability_links:
                    continue
                parts = urlsplit(url)
                if CAPABILITY.search(parts.path + "?" + parts.query):
                    self.capability_links.append(url)
                else:
                    urls.append((role, url))
        for n, (role, url) in enumerate(urls[:MAX_OFFICER_URLS], 1):
            self.raw_get(f"officer_url_{n}", role, url, "control", f"the {role} fetches its read of the dossier again")
            self.raw_get(f"other_officer_url_{n}", "other", url, "roles",
                         f"another citizen fetches the {role}'s read of the dossier")
            self.raw_get(f"anonymous_officer_url_{n}", ANONYMOUS, url, "roles",
                         f"a visitor without a session fetches the {role}'s read of the dossier")

    # ---------------------------------------------------------------- the plan
    def run(self) -> dict:
        started = now_iso()
        form = {**(self.profile.test_data.get("form_data") or {}), "ghi_chu": self.tag}
        procedure = self.profile.test_data.get("online_procedure")
        if not procedure:
            self.errors.append("test_data.online_procedure is not set — chưa khai báo thủ tục nộp trực tuyến")
        else:
            submitted = self.step("submit", "owner", "submit_dossier", "allowed", "setup",
                                  "the first citizen submits a dossier of its own", dossier_code=None,
                                  procedure_code=procedure, form_data=form, files=document(self.run_id, "ho-so"))
            self.code = (submitted.get("vars") or {}).get("dossier_code")
            if not self.code:
                self.errors.append(f"submit_dossier gave no dossier code — không nộp được hồ sơ: {submitted['message']}")
        if self.code:
            self.plan()
        return {"run_id": self.run_id, "started": started, "finished": now_iso(), "dossier_code": self.code,
                "procedure_code": procedure, "tag": self.tag, "owner": self._username("owner"),
                "other": self._username("other"), "owner_known": self._owner_known(),
                "steps": self.steps, "capability_links": self.capability_links, "errors": self.errors}

    def plan(self) -> None:
        s = self.step
        s("other_read", "other", "get_dossier", "denied", "cross_citizen", "another citizen reads the dossier")
        s("owner_read", "owner", "get_dossier", "allowed", "control", "the owner reads it")
        if self.client("other") is not None and self.client("other").has("list_my_dossiers"):
            listed = s("other_list", "other", "list_my_dossiers", "allowed", "cross_citizen",
                       "another citizen's own list must not show the dossier", dossier_code=None)
            listed["lists_dossier"] = bool(self.code and self.code in listed.get("excerpt", "") + str(listed.get("vars")))
        self.forged_sessions()
        s("other_withdraw", "other", "withdraw_dossier", "denied", "cross_citizen",
          "another citizen withdraws the dossier (status 1 allows the owner to)", changes=True)
        self.out_of_order("submit")
        self.intruders("submit")
        s("citizen_receive", "owner", "receive_dossier", "denied", "roles",
          "a citizen receives a dossier (an officer's step)", changes=True)
        s("officer_receive", "receiving_officer", "receive_dossier", "allowed", "roles",
          "the receiving officer receives it")
        self.intruders("officer_receive")
        s("officer_request_supplement", "receiving_officer", "request_supplement", "allowed", "setup",
          "the officer asks for a supplement", reason=f"dokiem {self.run_id}: bổ sung để kiểm tra quyền")
        s("other_supplement", "other", "supplement_dossier", "denied", "cross_citizen",
          "another citizen supplements the dossier (status 5 allows the owner to)", changes=True,
          note=f"dokiem {self.run_id}", files=document(self.run_id, "bo-sung-nguoi-khac"))
        s("owner_supplement", "owner", "supplement_dossier", "allowed", "control", "the owner supplements it",
          note=f"dokiem {self.run_id}", files=document(self.run_id, "bo-sung"))
        self.out_of_order("owner_supplement")
        dates = around_today()
        s("specialist_audit", "specialist", "get_audit_log", "denied", "roles",
          "a specialist reads the audit log (an administrator's right)", dossier_code=None, **dates)
        s("specialist_process", "specialist", "process_dossier", "allowed", "roles", "the specialist processes it",
          note=f"dokiem {self.run_id}")
        self.out_of_order("specialist_process")
        self.intruders("specialist_process")
        s("officer_approve", "receiving_officer", "approve_dossier", "denied", "roles",
          "the receiving officer approves (a leader's step; status 4 allows it)", changes=True)
        s("citizen_approve", "owner", "approve_dossier", "denied", "roles", "a citizen approves its own dossier",
          changes=True)
        s("leader_approve", "leader", "approve_dossier", "allowed", "roles", "the leader approves it")
        self.intruders("leader_approve")
        s("other_download", "other", "download_result", "denied", "cross_citizen",
          "another citizen downloads the result")
        s("owner_download", "owner", "download_result", "allowed", "control", "the owner downloads the result")
        s("other_rate", "other", "rate_dossier", "denied", "cross_citizen", "another citizen rates the dossier",
          score=1, comment=f"dokiem {self.run_id}")
        s("admin_audit", "admin", "get_audit_log", "allowed", "roles", "the administrator reads the audit log",
          dossier_code=None, **dates)
        s("owner_read_final", "owner", "get_dossier", "allowed", "control",
          "the owner reads the finished dossier (its result and signature links)")
        self.replay_links("owner_read", "owner_read_final")
        self.officer_reads()

    def _username(self, who: str) -> str | None:
        role, index = CITIZENS[who]
        account = self.profile.account(role, index)
        return account.username if account else None

    def _owner_known(self) -> dict:
        account = self.profile.account("citizen", 0)
        return dict(account.known) if account else {}


def alter(value: str) -> str:
    """`value` with one character changed, a few places before its end: inside a JWT's signature,
    never its last character (whose low bits base64url decoders may ignore)."""
    for i in range(len(value) - 5 if len(value) > 8 else len(value) - 1, -1, -1):
        if value[i].isalnum():
            return value[:i] + ("B" if value[i] == "A" else "A") + value[i + 1:]
    return value + "A"


def forged_tokens(token: str) -> list[tuple[str, str]]:
    """(kind, token) of the forgeries tried on a session token: one character changed, and for a
    JWT its own header and claims under `alg: none` with no signature."""
    forged = [("altered_token", alter(token))]
    parts = token.split(".")
    if len(parts) == 3:
        try:
            header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
        except (ValueError, binascii.Error):
            header = None
        if isinstance(header, dict) and "alg" in header:
            none = base64.urlsafe_b64encode(json.dumps({**header, "alg": "none"}, separators=(",", ":")).encode())
            forged.append(("alg_none", f"{none.decode().rstrip('=')}.{parts[1]}."))
    return forged


def officer_roles(profile) -> list[str]:
    """The vocabulary's officer roles the profile has an account for, in the vocabulary's order."""
    return [role for role in profile.roles if role not in profile.applicant_roles and profile.account(role) is not None]


def officer_urls(client, markers: list[bytes], profile) -> list[str]:
    """The GET URLs on the target that `client` fetched with its session and that answered 2xx with
    something of the dossier (a marker the URL itself does not hold), in the order sent."""
    hosts = target_hosts(profile)
    found = []
    for exchange in client.transcript.exchanges:
        headers = {k.lower() for k in exchange.request_headers}
        if exchange.method != "GET" or not exchange.status or not 200 <= exchange.status < 300 \
                or not headers & {"authorization", "cookie"} or urlsplit(exchange.url).netloc not in hosts:
            continue
        body = exchange.response_content if exchange.response_content is not None else exchange.response_body.encode()
        if any(marker in body for marker in markers if marker.decode() not in exchange.url) and exchange.url not in found:
            found.append(exchange.url)
    return found


def officer_steps(profile, run_id: str) -> list[tuple[str, dict]]:
    """(operation, inputs) for every operation of the vocabulary that an officer takes on one dossier
    and that changes it, in the vocabulary's order, with the inputs its officer would give."""
    # a far date: an answer about the date (422) must not stand in for the refusal
    values = {"reason": f"dokiem {run_id}: thử quyền", "note": f"dokiem {run_id}: thử quyền", "amount": 1000,
              "new_appointment_date": (dt.date.today() + dt.timedelta(days=60)).isoformat()}
    steps = []
    for operation, entry in profile.vocabulary.items():
        inputs = entry.get("inputs") or []
        if not entry.get("role") or entry["role"] in profile.applicant_roles or entry.get("effect") != "change" \
                or "dossier_code" not in inputs:
            continue
        steps.append((operation, {name: values[name] for name in inputs if name in values}))
    return steps


def links_in(value, profile) -> list[str]:
    """Every URL on the target (absolute on one of the profile's hosts, or a /path) among the string
    values of a JSON answer, in the order found."""
    hosts = target_hosts(profile)
    found: list[str] = []

    def walk(item) -> None:
        if isinstance(item, dict):
            for child in item.values():
                walk(child)
        elif isinstance(item, list):
            for child in item:
                walk(child)
        elif isinstance(item, str) and " " not in item and len(item) < 2000:
            if (item.startswith("/") and not item.startswith("//") and len(item) > 1) or (
                    item.startswith(("http://", "https://")) and urlsplit(item).netloc in hosts):
                found.append(item)

    walk(value)
    return found


def _plain(values: dict) -> dict:
    """Operation variables fit for JSON (files and binary answers become their size)."""
    plain = {}
    for name, value in (values or {}).items():
        plain[name] = f"<{len(value)} bytes>" if isinstance(value, (bytes, bytearray)) else value
    return plain
