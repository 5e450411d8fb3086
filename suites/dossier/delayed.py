"""The `dossier_delayed` part: a dossier the agency will not resolve by its appointment (`delayed`).

It is submitted online, received and processed; then, while its appointment is still days away, the
receiving officer issues the apology with a new date (Phiếu xin lỗi và hẹn lại ngày trả kết quả,
Mẫu 04) and prints the slip. NĐ 61/2018 Điều 19 khoản 9 wants the apology out no later than one day
before the due date, so the system must take it then, not only once the dossier is late (the overdue
fixture, registers.py, covers that side). What dokiem asked for — the reason and the new date — is
the ground truth the slip is held to."""
from __future__ import annotations

from harness.gaps import note_refusal
from harness.national import VIETNAM, add_working_days

from suites.dossier.documents import parse_time
from suites.dossier.driver import Driver, _now

KEYS = ("delayed",)
# the new date dokiem asks for: this many working days after the original appointment
NEW_DATE_WORKING_DAYS = 5


def observe(life: Driver) -> dict:
    if not life.read_only:
        life.guard("delayed", lambda: delayed(life))
    return {"dossiers": life.dossiers(*KEYS)}


def delayed(life) -> None:
    d = life.new_dossier("delayed", "online", life.test_data.get("online_procedure"))
    try:
        life.submit(d, 1)
        life.step(d, "receive", "receive_dossier", "receiving_officer")
        life.step(d, "process", "process_dossier", "specialist", note=f"dokiem {life.run_id}: thụ lý")
        apologise(life, d)
    finally:
        if d["code"]:
            life.finish_probes(d, forms=(4,))


def apologise(life, d: dict) -> None:
    """Issue the apology now, well before the appointment the back office showed after the last step."""
    appointment = next((s.get("appointment_date") for s in reversed(d["steps"]) if s.get("ok")
                        and s.get("appointment_date")), None)
    record = {"asked_at": None, "appointment_before": appointment, "reason": None, "new_date": None,
              "status_code_before": None, "ok": None, "http_status": None, "error": None,
              "status_code_after": None, "status_label_after": None}
    d["apology"] = record
    due = parse_time(appointment)
    officer = life.client("receiving_officer")
    if officer is not None:  # the status as the back office shows it now, not as dokiem expects it
        record["status_code_before"] = life.view(officer, d["code"], life.current_code(d))["code"]
    if due is None:
        record["error"] = f"the back office shows no appointment date for the dossier ({appointment!r})"
    elif officer is None or not life.has("issue_apology"):
        record["error"] = "issue_apology cannot be called (no receiving officer session or not configured)"
    if record["error"]:
        life.error(f"delayed apology: {record['error']}")
        return
    new_date = add_working_days(due.astimezone(VIETNAM).date(), NEW_DATE_WORKING_DAYS, life.profile.holidays)
    record.update(reason=f"Hồ sơ cần xác minh thêm với cơ quan liên quan (dokiem {life.run_id})",
                  new_date=new_date.isoformat(), asked_at=_now())
    try:
        result = officer.call("issue_apology", dossier_code=d["code"], reason=record["reason"],
                              new_appointment_date=record["new_date"])
        record.update(ok=result.ok, http_status=result.status,
                      error=None if result.ok else note_refusal(officer, result) or result.describe()[:300])
    except Exception as exc:
        record["error"] = f"{type(exc).__name__}: {exc}"
    seen = life.view(officer, d["code"], record["status_code_before"])
    if seen["ok"]:
        record.update(status_code_after=seen["code"], status_label_after=seen["label"])

