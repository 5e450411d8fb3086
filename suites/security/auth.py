"""The `auth_probe` scenario: logins right and wrong, registration and the password policy, the end
of a session at logout, the lockout (only on the account reserved for it) and the audit log's
record of the failed logins.

Accounts it creates are named `dk<run suffix><purpose>` (lower-case letters and digits, 9
characters: inside the usual 3-40 user-name rules) with `dokiem <run id>` in the full name, so
they can be found and purged. Passwords it makes up are handed to the redactor first.
"""
from __future__ import annotations

import hashlib
import secrets
from harness.judging import now_iso
from harness.profile import target_hosts
from suites.security.answers import (around_today, cookie_values, first_line, lock_signal, message_of,
                                     run_suffix, split_set_cookie)
from suites.security.injection import probe_email

LOCKOUT_RESERVATION = "lockout"
AUDIT_KEPT = 1000  # audit entries kept in the evidence (those naming the run's user names only)


class AuthProbe:
    def __init__(self, sc, run_id: str):
        self.sc, self.run_id = sc, run_id
        self.profile = sc.profile
        self.suffix = run_suffix(run_id)
        self.login_op = self.profile.session["login_operation"]
        self.anonymous = sc.client(None)
        self.failed_attempts: list[dict] = []  # every login the run made fail, for the audit check

    # ---------------------------------------------------------------- helpers
    def username(self, purpose: str) -> str:
        return f"dk{self.suffix}{purpose}"

    def secret(self, value: str) -> str:
        self.sc.run.redactor.add(value)
        return value

    def attempt(self, username: str, password: str, purpose: str) -> dict:
        """One login through the login operation, outside any session; never raises."""
        started = now_iso()
        result = self.anonymous.call(self.login_op, _anonymous=True, username=username, password=password)
        row = {"username": username, "purpose": purpose, "started": started, "finished": now_iso(),
               "status": result.status, "ok": result.ok,
               "message": "" if result.ok else message_of(result.content, result.json), "error": result.error or None}
        row["lock_signal"] = lock_signal(result.status, row["message"])
        if result.ok:
            self.secret(result.vars.get(self.profile.session.get("token") or "") or "")
        else:
            self.failed_attempts.append({"username": username, "purpose": purpose, "started": started,
                                         "finished": row["finished"], "status": result.status})
        return row

    # ---------------------------------------------------------------- access.login
    def logins(self, browser_session) -> dict:
        citizen = self.profile.account("citizen")
        out = {"wrong": [], "accounts": [], "browser": None}
        if citizen is not None and citizen.password:
            # one wrong password on a real account, one on an account that does not exist: the answers
            # must not tell them apart. The right logins below reset the failure counter.
            out["wrong"].append(self.attempt(citizen.username, self.secret(f"Sai-{self.suffix}-x1!"),
                                             "wrong password of an existing account"))
            out["wrong"].append(self.attempt(self.username("khongco"), self.secret(f"Sai-{self.suffix}-9z!"),
                                             "an account that does not exist"))
        for role in self.profile.roles:
            for account in self.profile.accounts(role):
                if account.reserved_for or not account.password:
                    continue  # the lockout account may be locked; browser-only accounts log in by journey
                row = self.attempt(account.username, account.password, "configured account")
                out["accounts"].append({"role": role, "index": account.index, **row})
        if browser_session is not None and citizen is not None:
            try:
                browser_session.journey("login", username=citizen.username, password=citizen.password)
                out["browser"] = {"username": citizen.username, "ok": True, "url": browser_session.page.url,
                                  "error": None}
            except Exception as exc:
                out["browser"] = {"username": citizen.username, "ok": False, "url": browser_session.page.url,
                                  "error": first_line(exc)[:400]}
        return out

    # ---------------------------------------------------------------- registration and policy
    def _register(self, username: str, password: str) -> dict:
        digits = str(int(hashlib.sha256(username.encode()).hexdigest(), 16))[:8]
        email = probe_email(self.profile, username)  # at the profile's own domain, never a reserved one
        if email is None:
            return {"username": username, "status": None, "ok": False, "message": None,
                    "error": "the profile gives no e-mail address to take a domain from (accounts.citizen[0].known."
                             "email or test_data.applicant.email) — cấu hình đích chưa có e-mail mẫu"}
        result = self.anonymous.call("register_account", username=username, password=password,
                                     full_name=f"Người thử dokiem {self.run_id}", email=email,
                                     phone=f"09{digits}")
        return {"username": username, "status": result.status, "ok": result.ok,
                "message": message_of(result.content, result.json), "error": result.error or None}

    def registration(self, min_length: int) -> dict:
        strong = self.secret(f"Dk{secrets.token_hex(max(5, min_length // 2))}#7q")
        username = self.username("r")
        first = self._register(username, strong)
        login = self.attempt(username, strong, "the newly registered account") if first["ok"] else None
        again = self._register(username, strong)
        return {"username": username, "strong_length": len(strong), "first": first, "login_after": login,
                "duplicate": again}

    def weak_attempts(self, min_length: int) -> list[dict]:
        short = ("Dk#7" + "x" * max(0, min_length - 5))[: max(1, min_length - 1)]
        letters = ("dokiemmatkhau" * 4)[: min_length + 4]
        digits = "".join(str(i % 10) for i in range(min_length + 4))
        rows = []
        for purpose, kind, value in (("s", "too_short", short), ("l", "letters_only", letters),
                                     ("d", "digits_only", digits)):
            row = self._register(self.username(purpose), self.secret(value))
            rows.append({"kind": kind, "length": len(value), **row})
        return rows

    # ---------------------------------------------------------------- session end
    def logout_probe(self) -> dict:
        """Log in, use the session, log out, then replay the old token and the old cookies."""
        account = self.profile.account("citizen")
        out = {"username": account.username if account else None, "operation": "list_my_dossiers",
               "before": None, "logout": None, "old_bearer": None, "old_cookie_before": None,
               "old_cookie": None, "cookie_names": [], "error": None}
        if account is None or not account.password:
            out["error"] = "no citizen account with a password — không có tài khoản công dân"
            return out
        answer = self.anonymous.call(self.login_op, _anonymous=True, username=account.username,
                                     password=account.password)
        if not answer.ok:
            out["error"] = f"login failed — đăng nhập thất bại: {answer.describe()}"
            return out
        token_var = self.profile.session.get("token")
        token = answer.vars.get(token_var) if token_var else None
        cookies = cookie_values(split_set_cookie(answer.header("Set-Cookie")))
        self.secret(token or "")
        for value in cookies.values():
            self.secret(value)
        out["cookie_names"] = sorted(cookies)
        # each credential alone, before and after a logout sent with both (as a browser with an API
        # token would): a logout ends the login, whichever way the session travels
        bearer = self._replay_client(token=token) if token else None
        jar = self._replay_client(cookies=cookies) if cookies else None
        if bearer is None and jar is None:
            out["error"] = "the login answer gave neither a token nor a cookie — đăng nhập không trả về phiên"
            return out
        if bearer is not None:
            out["before"] = self._status(bearer.call("list_my_dossiers"))
        if jar is not None:
            out["old_cookie_before"] = self._status(jar.call("list_my_dossiers"))
        out["logout"] = self._status(self._replay_client(token=token, cookies=cookies).call("logout"))
        if bearer is not None:
            out["old_bearer"] = self._status(bearer.call("list_my_dossiers"))
        if jar is not None:
            out["old_cookie"] = self._status(jar.call("list_my_dossiers"))
        return out

    def browser_logout(self, session) -> dict:
        """Log in and out through the browser (journeys login and logout), then open the page the login
        landed on with the browser's old cookies: a logged-out browser session must not open it."""
        account = self.profile.account("citizen")
        out = {"username": account.username if account else None, "page": None, "names": [], "before": None,
               "after": None, "cookie_names": [], "error": None}
        if account is None or not account.password:
            out["error"] = "no citizen account with a password — không có tài khoản công dân"
            return out
        try:
            read = session.journey("login", username=account.username, password=account.password) or {}
        except Exception as exc:
            out["error"] = f"login journey: {first_line(exc)[:300]}"
            return out
        out["page"] = session.page.url
        # what names the account on its own pages: the journey's display name, the account's known name;
        # the user name only when neither is known (a login form may show it again after the logout)
        names = {n for n in (read.get("user_display_name"), (account.known or {}).get("full_name")) if n}
        out["names"] = sorted(names or {account.username})
        names_of_hosts = {host.split(":")[0] for host in target_hosts(self.profile)}  # cookies carry no port
        cookies = {c["name"]: c["value"] for c in session.context.cookies() if c["domain"].lstrip(".") in names_of_hosts}
        for value in cookies.values():
            self.secret(value)
        out["cookie_names"] = sorted(cookies)
        replay = self._replay_client(cookies=cookies)
        out["before"] = self._page(replay, out["page"], out["names"])
        try:
            session.journey("logout")
        except Exception as exc:
            out["error"] = f"logout journey: {first_line(exc)[:300]} — map the `logout` journey (journeys.logout)"
            return out
        out["after"] = self._page(replay, out["page"], out["names"])
        return out

    @staticmethod
    def _page(client, url: str, names: list[str]) -> dict:
        response = client.request("GET", url)
        if response is None:
            return {"status": None, "url": None, "names_account": False, "error": "no answer — không có phản hồi"}
        text = response.text
        return {"status": response.status_code, "url": response.url, "error": None,
                "names_account": any(name in text for name in names)}

    def _replay_client(self, token: str | None = None, cookies: dict | None = None):
        client = self.sc.client(None)  # no account: the session is only what is set here
        if token:
            client.use_token(token)
        for name, value in (cookies or {}).items():
            client.http.cookies.set(name, value)
        return client

    @staticmethod
    def _status(result) -> dict:
        return {"status": result.status, "ok": result.ok, "message": message_of(result.content, result.json)[:300],
                "error": result.error or None}

    # ---------------------------------------------------------------- lockout
    def lockout(self, threshold: int) -> dict:
        account = next((a for role in self.profile.roles for a in [self.profile.account(role, 0, LOCKOUT_RESERVATION)] if a), None)
        out = {"username": None, "threshold": threshold, "control": None, "attempts": [], "after": None,
               "error": None}
        if account is None:
            out["error"] = ("the profile reserves no account for the lockout (reserved_for: lockout) — cấu hình đích "
                            "chưa dành riêng tài khoản nào cho kiểm tra khóa tài khoản; add one that may stay locked")
            return out
        if not account.password:
            out["error"] = f"environment variable {account.password_env} is not set — chưa đặt mật khẩu"
            return out
        out["username"] = account.username
        out["control"] = self.attempt(account.username, account.password, "lockout control: right password")
        if not out["control"]["ok"]:
            return out  # already locked (an earlier run) or a wrong password: nothing to measure
        for n in range(1, threshold + 1):
            row = self.attempt(account.username, self.secret(f"Sai-{self.suffix}-{n}!x"), f"lockout wrong password {n}")
            out["attempts"].append({"n": n, **row})
            if row["lock_signal"]:
                break  # locked: stop as soon as it says so
        out["after"] = self.attempt(account.username, account.password, "lockout: right password after the failures")
        return out

    # ---------------------------------------------------------------- audit
    def audit(self) -> dict:
        out = {"entries": [], "fetched_at": None, "error": None, "usernames": sorted(
            {a["username"] for a in self.failed_attempts})}
        if self.profile.account("admin") is None or not self.sc.profile.operations.get("get_audit_log"):
            out["error"] = "needs an admin account and get_audit_log — cần tài khoản quản trị và get_audit_log"
            return out
        admin = self.sc.client("admin")
        result = admin.call("get_audit_log", **around_today())
        out["fetched_at"] = now_iso()
        entries = result.vars.get("entries") if result.ok else None
        if not isinstance(entries, list):
            out["error"] = f"get_audit_log gave no list of entries — không đọc được nhật ký: {result.describe()}"
            return out
        names = {n.lower() for n in out["usernames"]}
        out["total_entries"] = len(entries)
        out["entries"] = [e for e in entries if isinstance(e, dict)
                          and any(isinstance(v, str) and v.lower() in names for v in e.values())][:AUDIT_KEPT]
        return out
