"""The security judges: pure functions of a scenario's observations (and edition parameters).

Each raises AssertionError (FAIL) with what a tester reads in the record, or Inconclusive (ERROR)
when what it needs was not observed. A fault found anywhere wins over a gap elsewhere: a broken
target is FAIL even if another probe could not be made.
"""
from __future__ import annotations

import datetime as dt
import re

from harness.judging import Inconclusive, fail_if, require
from harness.measured import Measurements, number
from suites.security import signatures, tls
from suites.security.answers import NOT_PROCESSED, access_outcome

# Cookies that carry a login: set in the answer to the credentials, or named like a session.
SESSION_LIKE = re.compile(r"sess|sid|auth|token|jwt|login|remember|identity", re.I)
GOOD_SAMESITE = ("lax", "strict")
# The harness's clock and the target's may differ; an audit entry this far from the attempt
# still counts as its record (a measurement tolerance, not a criterion's threshold).
CLOCK_TOLERANCE_S = 300


def verdict(problems: list[str], unclear: list[str], what: str) -> None:
    """FAIL on any problem; otherwise ERROR when something could not be judged."""
    fail_if(problems, f"{what}:", first=None)
    if unclear:
        raise Inconclusive(f"{what} — không kết luận được (cannot decide):\n- " + "\n- ".join(unclear))


def scenario_errors(obs: dict) -> str:
    return ("; ".join(obs.get("errors") or [])) or "không rõ — unknown"


# ====================================================================== security_sweep

def headers(obs: dict, hsts_min_age_s: int) -> None:
    pages = require(obs.get("pages") or [], "trang (pages)")
    answered = [p for p in pages if p.get("status") is not None]
    unclear = [f"{p['url']}: {p.get('error') or 'no answer'}" for p in pages if p.get("status") is None]
    if not any(p.get("logged_in") for p in answered):
        unclear.append(f"không quan sát được trang sau đăng nhập — no logged-in page observed ({scenario_errors(obs)})")
    if not any(not p.get("logged_in") for p in answered):
        unclear.append("không quan sát được trang công khai — no public page observed")
    problems = []
    for page in answered:
        where, h = f"{page['label']} {page['url']}", page.get("headers") or {}
        hsts = h.get("strict-transport-security")
        age = re.search(r"max-age\s*=\s*\"?(\d+)", hsts or "", re.I)
        if not hsts:
            problems.append(f"{where}: thiếu Strict-Transport-Security — no HSTS header")
        elif not age or int(age.group(1)) < hsts_min_age_s:
            problems.append(f"{where}: HSTS max-age {age.group(1) if age else '?'} < {hsts_min_age_s} s "
                            f"— HSTS max-age below the edition's minimum")
        if (h.get("x-content-type-options") or "").strip().lower() != "nosniff":
            problems.append(f"{where}: thiếu X-Content-Type-Options: nosniff — missing nosniff")
        csp = h.get("content-security-policy") or ""
        if not csp.strip():
            problems.append(f"{where}: thiếu Content-Security-Policy — no CSP")
        framing = (h.get("x-frame-options") or "").strip().upper()
        if framing not in ("DENY", "SAMEORIGIN") and "frame-ancestors" not in csp.lower():
            problems.append(f"{where}: không hạn chế nhúng khung (X-Frame-Options hoặc CSP frame-ancestors) "
                            "— no framing restriction")
    verdict(problems, unclear, "Tiêu đề bảo mật HTTP chưa đạt — security headers missing or weak")


def cookies(obs: dict) -> None:
    def deleted(cookie):
        return re.search(r"max-age\s*=\s*0\b", cookie.get("attributes") or "", re.I)

    session = [c for c in obs.get("cookies") or []
               if (c.get("answer_to_post") or SESSION_LIKE.search(c["name"])) and not deleted(c)]
    if not session:
        raise Inconclusive("không quan sát được cookie phiên nào khi đăng nhập — no session cookie observed at login "
                           f"(API and browser); {scenario_errors(obs)}")
    problems = []
    for c in session:
        missing = [flag for flag, present in (("Secure", c.get("secure")), ("HttpOnly", c.get("http_only")))
                   if not present]
        if (c.get("same_site") or "").lower() not in GOOD_SAMESITE:
            missing.append(f"SameSite=Lax/Strict (có: {c.get('same_site') or 'không có — none'})")
        if missing:
            problems.append(f"cookie {c['name']} ({c.get('source')}, {c.get('set_by')}): thiếu — missing "
                            f"{', '.join(missing)}")
    verdict(problems, [], "Cookie phiên thiếu thuộc tính bảo mật — session cookie attributes missing")


def https_redirect(obs: dict) -> None:
    rows = require(obs.get("http") or [], "truy cập HTTP (plain HTTP probes)")
    problems = []
    for row in rows:
        if row["outcome"] == "content":
            problems.append(f"{row['url']}: HTTP {row['status']} phục vụ nội dung qua HTTP không mã hóa — "
                            "content served over plain HTTP")
        elif row["outcome"] == "redirect" and not (row.get("location") or "").lower().startswith("https://"):
            problems.append(f"{row['url']}: chuyển hướng tới {row.get('location')!r}, không phải HTTPS — "
                            "redirect does not go to HTTPS")
    verdict(problems, [], "Truy cập HTTP không được chuyển sang HTTPS — plain HTTP not redirected to HTTPS")


def error_pages(obs: dict) -> None:
    rows = require(obs.get("error_answers") or [], "câu trả lời lỗi (error answers)")
    answered = [r for r in rows if r.get("status") is not None]
    require(answered, "câu trả lời lỗi có phản hồi (answered error probes)")
    problems = []
    for row in answered:
        for found in signatures.disclosures(row.get("body") or "", row.get("headers") or {}):
            problems.append(f"{row['label']} — {row['method']} {row['url']} → HTTP {row['status']}: {found}")
    unclear = [f"{r['label']}: {r.get('error')}" for r in rows if r.get("status") is None]
    verdict(problems, unclear, "Trang lỗi để lộ thông tin kỹ thuật — error answers disclose internals")


def role_access(obs: dict) -> None:
    rows = require(obs.get("protected") or [], "địa chỉ cần bảo vệ (protected URLs)")
    problems, unclear = [], []
    controls = {r["target"]: r for r in rows if r["expect"] == "allowed"}
    for row in rows:
        if row["expect"] != "denied":
            continue
        where = f"{row['target']} ({row['url']}) as {row['as']}"
        outcome = "denied" if row.get("login_form") else access_outcome(row.get("status"))
        if outcome == "allowed":
            problems.append(f"{where}: HTTP {row['status']} trả nội dung cho người không có quyền — content served "
                            "without the right role (expected a login redirect or 401/403)")
        elif outcome == "unclear":
            unclear.append(f"{where}: HTTP {row.get('status')} {row.get('error') or ''}".strip())
        else:
            control = controls.get(row["target"])
            if control is not None and access_outcome(control.get("status")) != "allowed":
                unclear.append(f"{row['target']}: vai trò được phép ({control['as']}) cũng không đọc được (HTTP "
                               f"{control.get('status')}) — the rightful role is refused too, so the refusal proves nothing")
    verdict(problems, sorted(set(unclear)), "Trang nghiệp vụ, quản trị không được bảo vệ — back-office URLs not protected")


# ====================================================================== tls_probe

def _version_key(name) -> tuple[int, ...]:
    text = str(name).replace("TLSv", "").replace("TLS", "").strip()
    text = {"1": "1.0"}.get(text, text)
    return tuple(int(part) for part in text.split("."))


def tls_version(obs: dict, min_version) -> None:
    endpoints = require(obs.get("endpoints") or [], "điểm truy cập (endpoints)")
    minimum = _version_key(min_version)
    problems, unclear = [], []
    for endpoint in endpoints:
        where = f"{endpoint['host']}:{endpoint['port']}"
        if endpoint["scheme"] != "https":
            problems.append(f"{endpoint['url']}: không dùng HTTPS — not served over TLS at all")
            continue
        rows = {_version_key(r["version"]): r for r in endpoint.get("versions") or []}
        for name in tls.VERSIONS:
            key = _version_key(name)
            if key > minimum:
                continue  # newer versions are welcome, not required
            row = rows.get(key)
            if row is None or row["outcome"] in ("cannot_measure", "no_answer"):
                unclear.append(f"{where} TLS {name}: {row['detail'] if row else 'not probed — chưa thử'}")
            elif key < minimum and row["outcome"] == "accepted":
                problems.append(f"{where}: chấp nhận TLS {name} (cũ hơn mức tối thiểu {min_version}) — accepts "
                                f"TLS {name}, older than the minimum")
            elif key == minimum and row["outcome"] != "accepted":
                problems.append(f"{where}: không chấp nhận TLS {name}, phiên bản tối thiểu phải hỗ trợ — refuses the "
                                f"minimum version ({row['detail']})")
    verdict(problems, unclear, "Phiên bản TLS chưa đạt — TLS versions wrong")


def moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def tls_certificate(obs: dict, min_days_left: float, measured: Measurements) -> None:
    endpoints = require(obs.get("endpoints") or [], "điểm truy cập (endpoints)")
    problems, unclear = [], []
    for endpoint in endpoints:
        where = f"{endpoint['host']}:{endpoint['port']}"
        cert = endpoint.get("certificate")
        if endpoint["scheme"] != "https":
            problems.append(f"{endpoint['url']}: không dùng HTTPS, không có chứng thư — not HTTPS, no certificate")
            continue
        if not cert or cert.get("error") or not cert.get("not_after"):
            unclear.append(f"{where}: {cert.get('error') if cert else 'not probed'}")
            continue
        trust = f"CA {cert['ca_file']}" if cert.get("trust") == "ca_file" else "kho gốc hệ thống — system roots"
        if cert.get("chain_ok") is False:
            problems.append(f"{where}: chứng thư không xác thực được theo {trust} — chain not trusted: "
                            f"{cert.get('chain_error')}")
        elif cert.get("chain_ok") is None:
            unclear.append(f"{where}: chuỗi chứng thư chưa được kiểm tra — chain not verified")
        if not tls.hostname_matches(endpoint["host"], cert.get("dns_names") or [], cert.get("ip_addresses") or []) \
                or cert.get("hostname_ok") is False:
            problems.append(f"{where}: chứng thư không cấp cho tên {endpoint['host']} (có: "
                            f"{', '.join((cert.get('dns_names') or []) + (cert.get('ip_addresses') or [])) or 'none'}) "
                            "— certificate does not match the host name")
        probed = moment(cert["probed_at"])
        days_left = (moment(cert["not_after"]) - probed).total_seconds() / 86400
        measured.note(f"{where}: chứng thư còn {number(days_left, 1)} ngày "
                      f"{'≥' if days_left >= min_days_left else '<'} {number(min_days_left)} ngày",
                      days_left >= min_days_left, round(days_left, 1), min_days_left, "ngày")
        if days_left < min_days_left:
            problems.append(f"{where}: chứng thư hết hạn {cert['not_after']}, còn {days_left:.1f} ngày < {min_days_left} "
                            f"— expires in {days_left:.1f} days, below the minimum")
        if cert.get("not_before") and moment(cert["not_before"]) > probed:
            problems.append(f"{where}: chứng thư chưa có hiệu lực (từ {cert['not_before']}) — not yet valid")
    verdict(problems, unclear, "Chứng thư số máy chủ chưa hợp lệ — server certificate not valid")


# ====================================================================== injection_probe

def xss(obs: dict) -> None:
    rows = require(obs.get("xss") or [], "phép thử XSS (XSS probes)")
    problems, unclear = [], []
    for row in rows:
        where = f"{row['surface']} ({row['channel']}, {row.get('operation') or row.get('journey')}, payload " \
                f"{row.get('payload_id')}) {row.get('url') or ''}"
        if row.get("error"):
            unclear.append(f"{where}: {row['error']}")
            continue
        if row["channel"] == "browser":
            if row.get("dialogs"):
                problems.append(f"{where}: mã chèn đã chạy trong Chromium (hộp thoại {row['dialogs'][0]!r}) — the "
                                "injected script ran in the browser")
            continue
        if row.get("marker_found") and signatures.is_html(row.get("content_type")):
            for place in signatures.executable_reflections(row.get("body") or "", row["marker"]):
                problems.append(f"{where}: HTTP {row.get('status')} phản hồi mã chèn không được mã hóa — payload "
                                f"reflected unescaped: {place}")
    unclear += refused_surfaces(rows)
    searched = [r for r in rows if r["surface"] == "search" and r["channel"] == "browser" and not r.get("error")]
    if not searched:
        unclear.append("trang tìm kiếm chưa được thử trong Chromium — the search page was not probed in Chromium")
    for channel in ("api", "page"):
        if not any(r["channel"] == channel and not r.get("error") for r in rows):
            unclear.append(f"không có phép thử {channel} nào có kết quả — no {channel} probe answered")
    verdict(problems, unclear, "Có lỗ hổng chèn mã kịch bản (XSS) — cross-site scripting found")


def accepted(status) -> bool:
    """An injection probe the target took: answered 2xx, or 404 (looked up, nothing found). A
    refusal (422, 400: validation) never reached the code the probe is aimed at."""
    return status is not None and (200 <= status < 300 or status == 404)


def refused_surfaces(rows: list[dict]) -> list[str]:
    """XSS surfaces none of whose payloads was both accepted and shown back, in an answer or a page
    that was then inspected: a refused probe (422, a validation error) is not a probe that passed."""
    unclear = []
    for surface in sorted({r["surface"] for r in rows}):
        answered = [r for r in rows if r["surface"] == surface and r["channel"] in ("api", "page") and not r.get("error")]
        if answered and not any(accepted(r.get("status")) and r.get("marker_found") for r in answered):
            statuses = sorted({str(r.get("status")) for r in answered})
            unclear.append(f"{surface}: không dữ liệu chèn nào được nhận rồi hiển thị lại để xem xét (HTTP "
                           f"{', '.join(statuses)}) — no payload was accepted and then rendered or returned, so no "
                           "rendering could be inspected: a refused probe proves nothing")
    return unclear


def sqli(obs: dict) -> None:
    data = obs.get("sqli") or {}
    probes = require(data.get("probes") or [], "phép thử chèn SQL (SQL injection probes)")
    baseline = data.get("baseline") or {}
    problems, unclear = [], []

    def normal(base: dict) -> bool:
        # the ordinary no-match query must itself be answered (2xx, or 404 "not found"); a refused
        # baseline (e.g. 422 for a wrong parameter) leaves nothing to compare the payloads with
        return base.get("status") is not None and (200 <= base["status"] < 300 or base["status"] == 404)

    for surface, base in baseline.items():
        if not normal(base):
            unclear.append(f"{base.get('operation')}: truy vấn đối chứng {base.get('value')!r} → HTTP {base.get('status')} "
                           f"— the ordinary no-match query is not answered normally, so the probes prove nothing: "
                           f"{(base.get('excerpt') or base.get('error') or '')[:200]}")
    for surface in sorted({p["surface"] for p in probes}):
        statuses = [p.get("status") for p in probes if p["surface"] == surface]
        if not any(accepted(s) for s in statuses):
            unclear.append(f"{surface}: mọi phép thử bị từ chối (HTTP {', '.join(str(s) for s in statuses)}), dữ liệu "
                           "chèn không tới được truy vấn — every probe was refused, none reached a query: a refused "
                           "probe proves nothing")
    for probe in probes:
        where = f"{probe['operation']} với {probe['payload']!r}"
        base = baseline.get(probe["surface"]) or {}
        status = probe.get("status")
        if status is None:
            unclear.append(f"{where}: {probe.get('error') or 'no answer'}")
            continue
        signature = signatures.database_error(probe.get("excerpt") or "")
        if signature:
            problems.append(f"{where}: lộ thông báo lỗi cơ sở dữ liệu {signature!r} — database error leaked")
        if status >= 500:
            problems.append(f"{where}: HTTP {status} — lỗi máy chủ khi nhận dữ liệu chèn SQL (server error)")
        elif 200 <= status < 300 and normal(base):
            base_status = base["status"]
            if base_status == 404 or probe.get("results") != base.get("results"):
                problems.append(f"{where}: HTTP {status}, {probe.get('results')} kết quả, khác truy vấn thường không khớp "
                                f"{base.get('value')!r} (HTTP {base_status}, {base.get('results')} kết quả) — answer "
                                "differs from an ordinary no-match query")
    verdict(problems, sorted(set(unclear)), "Có dấu hiệu lỗ hổng chèn mã SQL — SQL injection signs found")


# ====================================================================== auth_probe


def was_refused(row: dict | None) -> bool | None:
    """True refused (4xx), False accepted, None cannot tell (no answer, a server error, or a 4xx
    that says the request was not processed)."""
    if not row or row.get("status") is None or row["status"] >= 500 or row["status"] in NOT_PROCESSED:
        return None
    return not row.get("ok")


def password_policy(obs: dict, min_length: int) -> None:
    weak = require(obs.get("weak_attempts") or [], "mật khẩu yếu đã thử (weak attempts)")
    reg = obs.get("registration") or {}
    problems, unclear = [], []
    for row in weak:
        where = f"{row['kind']} ({row['length']} ký tự, {row['username']})"
        if row["kind"] == "too_short" and row["length"] >= min_length:
            unclear.append(f"{where}: không ngắn hơn {min_length} — the short attempt was not short")
        refused = was_refused(row)
        if refused is False:
            problems.append(f"{where}: mật khẩu yếu được chấp nhận (HTTP {row['status']}) — a weak password was accepted")
        elif refused is None:
            unclear.append(f"{where}: {row.get('error') or 'HTTP ' + str(row.get('status'))}")
    first = (reg or {}).get("first") or {}
    if was_refused(first) is None:
        unclear.append("chưa rõ mật khẩu mạnh có được chấp nhận — the strong password's registration did not answer")
    elif not first.get("ok"):
        problems.append(f"mật khẩu mạnh ({reg.get('strong_length')} ký tự, đủ chữ, số, ký hiệu) bị từ chối (HTTP "
                        f"{first.get('status')}: {first.get('message')}) — a strong password was refused")
    verdict(problems, unclear, "Chính sách mật khẩu chưa đạt — password policy")


def session_end(obs: dict) -> None:
    probe = obs.get("logout")
    if not probe or probe.get("error"):
        raise Inconclusive(f"chưa thử đăng xuất — logout not observed: {(probe or {}).get('error') or scenario_errors(obs)}")
    problems, unclear = [], []
    before, logout = probe.get("before"), probe.get("logout")
    if not logout or not logout.get("ok"):
        unclear.append(f"đăng xuất không thành công — logout failed: {logout}")
    replays = [("token (Bearer)", before, probe.get("old_bearer")),
               ("cookie " + ", ".join(probe.get("cookie_names") or []), probe.get("old_cookie_before"),
                probe.get("old_cookie"))]
    judged = 0
    for what, worked, after in replays:
        if not worked or not worked.get("ok") or after is None:
            continue  # this credential did not open the operation before logout: nothing to replay
        judged += 1
        outcome = access_outcome(after.get("status"))
        if outcome == "allowed":
            problems.append(f"{what} cũ vẫn dùng được sau khi đăng xuất ({probe['operation']} → HTTP "
                            f"{after['status']}) — the old session still works after logout")
        elif outcome == "unclear":
            unclear.append(f"{what}: HTTP {after.get('status')} {after.get('error') or ''}")
    if not judged:
        unclear.append(f"phiên chưa dùng được trước khi đăng xuất — the session did not work before logout: {before}")
    browser_logout(obs.get("browser_logout"), problems, unclear)
    verdict(problems, unclear, "Phiên không kết thúc khi đăng xuất — session survives logout")


def browser_logout(probe: dict | None, problems: list[str], unclear: list[str]) -> None:
    """The same, through the browser: after the logout journey the page the login landed on, opened
    with the browser's old cookies, must not be the account's page again."""
    if not probe or probe.get("error"):
        unclear.append(f"chưa thử đăng xuất trên trình duyệt — browser logout not tried: {(probe or {}).get('error')}")
        return
    before, after, page = probe.get("before") or {}, probe.get("after") or {}, probe.get("page")
    if before.get("status") != 200 or not before.get("names_account"):
        unclear.append(f"trang sau đăng nhập ({page}) mở bằng cookie của trình duyệt không nêu tên tài khoản — the "
                       f"page the browser login landed on, opened with its cookies, does not name the account "
                       f"({', '.join(probe.get('names') or [])}); let the login journey read `user_display_name`, or give "
                       f"the account's `known.full_name`: {before}")
    elif after.get("status") != 200 and access_outcome(after.get("status")) == "unclear":
        unclear.append(f"{page} mở bằng cookie cũ sau khi đăng xuất — opened with the old cookies after the logout: "
                       f"HTTP {after.get('status')} {after.get('error') or ''}")
    elif after["status"] == 200 and after.get("names_account"):
        problems.append(f"cookie cũ của trình duyệt vẫn mở được {page} sau khi đăng xuất trên trình duyệt — the "
                        "browser's old cookies still open the account's page after logging out in the browser")


def lockout(obs: dict, attempts_allowed: int, measured: Measurements) -> None:
    probe = obs.get("lockout")
    if not probe or probe.get("error"):
        raise Inconclusive((probe or {}).get("error") or f"chưa thử khóa tài khoản — lockout not observed ({scenario_errors(obs)})")
    control = probe.get("control") or {}
    who = probe["username"]
    if not control.get("ok"):
        if control.get("lock_signal"):
            raise Inconclusive(f"tài khoản {who} đang bị khóa từ lần chạy trước (HTTP {control.get('status')}: "
                               f"{control.get('message')}) — the account is still locked by an earlier run; wait for "
                               "the lock to expire or unlock it")
        raise Inconclusive(f"tài khoản {who} không đăng nhập được bằng mật khẩu đúng trước khi thử (HTTP "
                           f"{control.get('status')}: {control.get('message')}) — check its password")
    wrong = probe.get("attempts") or []
    problems = [f"lần {w['n']}: mật khẩu sai được chấp nhận — a wrong password was accepted" for w in wrong if w.get("ok")]
    locked_early = any(w.get("lock_signal") for w in wrong)
    if not locked_early and len(wrong) < attempts_allowed:
        raise Inconclusive(f"chỉ thử {len(wrong)}/{attempts_allowed} lần sai — the probe stopped early")
    after = probe.get("after") or {}
    # after how many wrong passwords the target said "locked": at a wrong attempt, or at the right one after
    locked_after = next((w["n"] for w in wrong if w.get("lock_signal")), len(wrong) if after.get("lock_signal") else None)
    if locked_after is not None:
        measured.note(f"khóa sau {locked_after} lần nhập sai ≤ {attempts_allowed} lần", locked_after <= attempts_allowed,
                      locked_after, attempts_allowed, "lần")
    if after.get("ok"):
        problems.append(f"sau {len(wrong)} lần nhập sai liên tiếp, mật khẩu đúng vẫn đăng nhập được tài khoản {who} — "
                        f"no lockout, delay or challenge after {len(wrong)} consecutive failures")
    elif after.get("status") is None:
        raise Inconclusive(f"lần đăng nhập sau cùng không có phản hồi — the final attempt got no answer: {after.get('error')}")
    assert not problems, "Không khóa tài khoản sau nhiều lần đăng nhập sai — no lockout:\n- " + "\n- ".join(problems)
