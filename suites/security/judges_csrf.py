"""security.csrf: forged copies of the citizen's own state-changing requests are refused (OWASP ASVS
4.0.3 V4.2.2). The observations are the dossier scenario's (`browser.forged_posts`, suites/security/csrf.py).

A forged copy is accepted when it gets the kind of answer the real request got: the same redirect
(its target's path with numbers masked: a forged submission names another new dossier), or, when
the real answer was a page, a page of the same text. It is refused when it gets a 4xx, a redirect
elsewhere on the target (the login page, the form again), or a page where the real request was
redirected. What does not say either way is ERROR, naming the request: a 5xx (the server may have
failed half-way through the change), a 4xx that says the request was not processed (a rate
limit), a redirect to the foreign page the forged copy came from (a server sending its visitor
"back" to the Referer), and a page answering both with different text (it would have to be read
as a person would).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from harness.judging import Inconclusive, fail_if
from suites.security.answers import NOT_PROCESSED
from suites.security.csrf import FOREIGN_ORIGIN, shape


def _same_text(a: str, b: str) -> bool:
    masked = [shape(re.sub(r"\s+", " ", text or "")).strip() for text in (a, b)]
    return bool(masked[0]) and masked[0] == masked[1]


def verdict(real: dict, forged: dict) -> str:
    """'accepted', 'refused' or 'unclear' for one forged copy against the real request's answer."""
    status = forged.get("status")
    if status is None or status >= 500 or status in NOT_PROCESSED:
        return "unclear"
    if status >= 400:
        return "refused"
    real_status = real["status"]
    if 300 <= status < 400:
        if urlsplit(forged.get("location") or "").netloc == urlsplit(FOREIGN_ORIGIN).netloc:
            return "unclear"  # sent back where it came from: says nothing of whether the change was made
        same = 300 <= real_status < 400 and forged.get("location_shape") == real.get("location_shape")
        return "accepted" if same else "refused"
    if 300 <= real_status < 400:
        return "refused"  # the real request was redirected onward; the forged one got a page (the form again)
    return "accepted" if _same_text(real.get("text"), forged.get("text")) else "unclear"


def csrf(obs: dict) -> None:
    rows = (obs.get("browser") or {}).get("forged_posts")
    if not rows:
        raise Inconclusive("không ghi nhận được yêu cầu thay đổi dữ liệu nào của công dân đã đăng nhập trên trình "
                           "duyệt để thử giả mạo — no state-changing request of a logged-in citizen was seen in the "
                           f"browser to forge: {(obs.get('browser') or {}).get('errors')}")
    accepted, unclear = [], []
    for row in rows:
        real, where = row.get("real"), f"{row['method']} {urlsplit(row['url']).path}"
        if not real or real["status"] >= 400:
            unclear.append(f"{where}: the real request was not accepted ({real and real['status']}), nothing to compare")
            continue
        for forged in row["forged"]:
            seen = verdict(real, forged)
            answer = f"{forged['status']}" + (f" → {forged['location']}" if forged.get("location") else "")
            if seen == "accepted":
                accepted.append(f"{where} ({forged['variant']}): bản giả mạo được chấp nhận như yêu cầu thật ({answer}) "
                                "— a forged copy was accepted like the real request")
            elif seen == "unclear":
                unclear.append(f"{where} ({forged['variant']}): {forged.get('error') or answer}")
    fail_if(accepted, "Yêu cầu giả mạo (CSRF) được chấp nhận", "forged requests (CSRF) accepted")
    if unclear:
        raise Inconclusive("không phân định được bản giả mạo bị từ chối hay được chấp nhận — cannot tell whether "
                           "these forged requests were refused: " + "; ".join(unclear))
