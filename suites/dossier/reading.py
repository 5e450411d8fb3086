"""Reading the `dossier_life` observations: the dossier made for a purpose, its steps, and the
small facts several judges ask of them. Shared by every suite that judges dossier_life
(dossier, levels, lookup, audit); pure functions, no I/O.
"""
from __future__ import annotations

from functools import partial

from harness import judging
from harness.judging import Inconclusive, comparable
from harness.national import status_name


# Harness and target clocks may differ a little; times are compared with this allowance.
CLOCK_SKEW_S = 300


PAID_WORDS = ("paid", "da_thanh_toan", "đã thanh toán", "success", "thanh_cong", "thành công", "completed")


RECEIVED_STEPS = ("receive", "counter_intake", "postal_intake")  # the steps after which a dossier is received


# every problem is listed, each a sentence naming its dossier and step
fail_if = partial(judging.fail_if, first=None)


def dossier(obs: dict, key: str) -> dict:
    """The dossier of that purpose, or Inconclusive (with the scenario's errors) when it was never made."""
    found = next((d for d in obs.get("dossiers") or [] if d.get("key") == key), None)
    if found is None or not found.get("code"):
        errors = "; ".join(e for e in obs.get("errors") or [] if e.startswith(key)) or "not created"
        raise Inconclusive(f"hồ sơ '{key}' không được tạo trong lần chạy — dossier '{key}' was not made: {errors}")
    return found


def step(d: dict, name: str) -> dict | None:
    return next((s for s in d.get("steps") or [] if s.get("step") == name), None)


def done(d: dict, name: str) -> dict:
    """The step, taken successfully. A refusal by the target fails; a step never taken is Inconclusive."""
    found = step(d, name)
    if found is None:
        raise Inconclusive(f"hồ sơ {d['key']} ({d.get('code')}): bước '{name}' chưa được thực hiện — step '{name}' "
                           f"was not reached (an earlier step failed)")
    if not found.get("ok"):
        message = (f"hồ sơ {d['key']} ({d.get('code')}): bước '{name}' ({found.get('operation')}) không thành công — "
                   f"step '{name}' failed: {found.get('error')}")
        if found.get("http_status") is not None:
            raise AssertionError(message)
        raise Inconclusive(message)
    return found


def done_after(problems: list[str], d: dict, name: str) -> dict:
    """`done`, but what was already found wrong is reported (FAIL) before a later step's absence (ERROR)."""
    try:
        return done(d, name)
    except Inconclusive:
        fail_if(problems)
        raise


def code_text(code) -> str:
    return status_name(code) if isinstance(code, int) else "nhãn không có trong bảng ánh xạ (label not in the profile's map)"


def is_received(d: dict) -> bool:
    return any(s.get("ok") and s.get("step") in RECEIVED_STEPS for s in d.get("steps") or [])


def returns(obs: dict, name: str) -> bool:
    return name in (obs.get("get_dossier_returns") or [])


def paid(payment) -> bool:
    if isinstance(payment, dict):
        state = comparable(payment.get("status") or payment.get("trang_thai") or "")
        if state and any(word in state for word in PAID_WORDS) or state == "1":
            return True
        return bool(payment.get("paid_at") or payment.get("transaction_id") or payment.get("ma_giao_dich"))
    return bool(payment) and any(word in comparable(payment) for word in PAID_WORDS)


OPEN_STATES = frozenset({2, 4, 5, 6})


def fetched_form(form: dict | None, where: str, number: int, missing_en: str = "") -> dict:
    """A printed TT 01/2018 form as the scenario fetched it: ERROR when it was not asked for or
    nothing answered, FAIL when the system answered without it (`missing_en`: what that means)."""
    if form is None:
        raise Inconclusive(f"{where} chưa được in — form {number} was not requested")
    if not form.get("ok"):
        if form.get("http_status") is None:
            raise Inconclusive(f"{where} không lấy được — form {number} could not be requested: {form.get('error')}")
        raise AssertionError(f"{where}: hệ thống không in được, HTTP {form.get('http_status')} — "
                             f"{missing_en or f'the system does not produce form {number}'}: {form.get('error')}")
    return form


def printed_form(d: dict, number: int, name_vi: str) -> dict:
    where = f"hồ sơ {d['key']} ({d.get('code')}): {name_vi} (Mẫu {number:02d})"
    form = fetched_form((d.get("forms") or {}).get(str(number)), where, number)
    if not (form.get("text") or "").strip():
        raise AssertionError(f"{where}: tài liệu rỗng — the document is empty")
    if d["code"] not in form["text"]:
        raise AssertionError(f"{where}: không ghi mã hồ sơ {d['code']} — the form does not name the dossier code")
    return form
