"""Judges of the lookup.* checks: looking a dossier up by its code — publicly, without personal
data, and the e-result for its owner only (over dossier_life) — and an unknown code answered
plainly (over api_probe). Pure functions of the observations.
"""
from __future__ import annotations

import re

from harness.judging import Inconclusive, fail_if, fold, require
from harness.national import status_name
from suites import personal_data
from suites.dossier.reading import code_text, done, dossier, returns


def public_by_code(obs: dict) -> None:
    rows = require(obs.get("lookups") or [], "lượt tra cứu hồ sơ (lookups)")
    problems, unsure = [], []
    for row in rows:
        where = f"tra cứu hồ sơ {row['code']} ({row['key']}, sau '{row.get('after_step')}')"
        if not row.get("ok"):
            status = row.get("http_status")
            if status is None:
                unsure.append(f"{where}: {row.get('error')}")
            elif status in (401, 403):
                problems.append(f"{where}: cần đăng nhập (HTTP {status}) — public lookup requires a login")
            else:
                problems.append(f"{where}: HTTP {status} — the lookup does not find the dossier: {row.get('error')}")
        elif row.get("status_code") != row.get("expected_code"):
            problems.append(f"{where}: hiển thị '{row.get('status_label')}' = {code_text(row.get('status_code'))}, cần "
                            f"{status_name(row.get('expected_code'))} — the lookup shows the wrong status")
    browser = (obs.get("browser") or {}).get("lookup")
    for page in browser_lookups(obs):
        if page.get("ok") and page.get("status_code") != page.get("expected_code"):
            problems.append(f"tra cứu trên trình duyệt hồ sơ {page['code']} ({page.get('key', 'online_full')}): hiển thị "
                            f"'{page.get('status_label')}', cần {status_name(page.get('expected_code'))} — the lookup "
                            "page shows the wrong status")
        elif not page.get("ok") and page is not browser:
            unsure.append(f"tra cứu trên trình duyệt hồ sơ {page['code']} ({page.get('key')}): {page.get('error')}")
    fail_if(problems, first=None)
    if unsure:
        raise Inconclusive("; ".join(unsure))
    if not browser or not browser.get("ok"):
        raise Inconclusive("tra cứu trên trình duyệt (hành trình lookup_dossier) không thực hiện được — the lookup journey "
                           f"could not be made: {(browser or {}).get('error') or (obs.get('browser') or {}).get('errors')}")


def browser_lookups(obs: dict) -> list[dict]:
    """The dossiers looked up on the public page: online_full, then one of each other final status."""
    browser = obs.get("browser") or {}
    return [row for row in (browser.get("lookup"), *(browser.get("other_lookups") or [])) if row]


def _personal_values(d: dict) -> list[tuple[str, str]]:
    """Everything dokiem knows of the applicant (the account's data, what it typed) and the files it sent."""
    personal = {**{"full_name": (d.get("applicant") or {}).get("full_name")}, **(d.get("personal") or {})}
    values = [(k, str(v)) for k, v in personal.items() if v and len(str(v)) >= 4]
    values += [("file", f["name"]) for f in d.get("files") or []]
    return values


def minimal_disclosure(obs: dict) -> None:
    rows = require([r for r in obs.get("lookups") or [] if r.get("ok")], "lượt tra cứu thành công (answered lookups)")
    by_code = {d["code"]: d for d in obs.get("dossiers") or [] if d.get("code")}
    problems = []
    pages = [(r["code"], r.get("text") or "", "API") for r in rows]
    for page in browser_lookups(obs):
        if page.get("page_html") or page.get("page_text"):  # the raw page: attributes, hidden inputs, scripts
            pages.append((page["code"], page.get("page_html") or page["page_text"], "trang tra cứu (page)"))
    for code, text, where in pages:
        d = by_code.get(code)
        if d is None:
            continue
        leaks = personal_data.leaks(text, _personal_values(d))
        if "/attachments/" in text or "/tep/" in text:
            leaks.append("đường dẫn tệp (file link)")
        if leaks:
            problems.append(f"tra cứu công khai hồ sơ {code} ({where}) lộ thông tin cá nhân: {', '.join(leaks)} — the anonymous "
                            "lookup discloses personal data")
    fail_if(problems, first=None)


def e_result(obs: dict) -> None:
    d = dossier(obs, "online_full")
    done(d, "approve")
    problems = []
    if d.get("result_offered") is False or (d.get("result_offered") is None and returns(obs, "result")):
        problems.append(f"hồ sơ {d['code']}: trang hồ sơ của người nộp không có kết quả điện tử — the applicant's dossier "
                        "view offers no electronic result")
    downloads = [r for r in d.get("result_downloads") or [] if r.get("role") == "citizen"]
    if not any(r.get("ok") and r.get("size") for r in downloads):
        problems.append(f"hồ sơ {d['code']}: người nộp không mở được tệp kết quả — the applicant cannot open the result "
                        f"({[r.get('http_status') for r in downloads]})")
    other = d.get("cross_citizen") or {}
    if other.get("error") or other.get("download_result") is None:
        fail_if(problems, first=None)
        raise Inconclusive(f"không thử được bằng công dân thứ hai — no second citizen to try with: {other.get('error')}")
    for operation in ("download_result", "get_dossier"):
        tried = other.get(operation) or {}
        if tried.get("ok") or tried.get("is_pdf") or tried.get("names_applicant"):
            problems.append(f"công dân {other.get('username')} xem được {'kết quả' if operation == 'download_result' else 'hồ sơ'} "
                            f"{d['code']} của người khác (HTTP {tried.get('http_status')}) — another citizen can read it")
    fail_if(problems, first=None)


NOT_FOUND_WORDS = re.compile(r"khong tim thay|khong ton tai|khong co ho so|not found|no such|unknown|does not exist")


NOT_FOUND_STATUSES = (404, 410)


def unknown_code(observations: dict) -> None:
    """lookup.unknown_code"""
    lookups = require(observations.get("unknown_lookups"), "tra cứu mã hồ sơ không tồn tại (unknown-code lookup)")
    badly_formed = [l["code"] for l in lookups if not l.get("well_formed")]
    if badly_formed:
        raise Inconclusive(f"mã thử {badly_formed} không khớp mẫu mã hồ sơ của phiên bản — the probe codes do not match "
                           f"dossier.code_pattern {observations.get('code_pattern')!r}: the harness cannot build one")
    missing = [l["code"] for l in lookups if l.get("answer") is None]
    if missing:
        raise Inconclusive(f"không tra cứu được {missing}: {'; '.join(observations.get('errors') or [])}")
    problems = []
    for lookup in lookups:
        code, got = lookup["code"], lookup["answer"]
        text = got.get("body") or ""
        others = set(re.findall(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}", text)) - {code}
        if got.get("error"):
            problems.append(f"{code}: không phản hồi — no answer ({got['error']})")
        elif got["status"] >= 500:
            problems.append(f"{code}: lỗi máy chủ HTTP {got['status']} — a server error instead of 'not found'")
        elif got["ok"] and got["vars"].get("status_label"):
            problems.append(f"{code}: trả về một hồ sơ (trạng thái '{got['vars']['status_label']}') — answers with a "
                            "dossier for a code that does not exist")
        elif others:
            problems.append(f"{code}: trả về hồ sơ khác {sorted(others)} — answers with another dossier")
        elif got["status"] in NOT_FOUND_STATUSES:
            continue
        elif not NOT_FOUND_WORDS.search(fold(text)):
            problems.append(f"{code}: HTTP {got['status']} không nói rõ 'không tìm thấy' — no clear 'not found' "
                            f"(answer: {text[:200]!r})")
    fail_if(problems, "Tra cứu mã hồ sơ không tồn tại không trả lời rõ ràng", "unknown-code lookup unclear")
