"""The `dossier_closures` part: online dossiers that end without a result — refused (Mẫu 03 printed),
withdrawn by a second citizen, stopped — and processing tried on each afterwards, which the target
must refuse."""
from __future__ import annotations

from suites.dossier.driver import Driver, _now

KEYS = ("refused", "withdrawn", "stopped")


def observe(life: Driver) -> dict:
    if not life.read_only:
        for flow in (refused, withdrawn, stopped):
            life.guard(flow.__name__, lambda flow=flow: flow(life))
    return {"dossiers": life.dossiers(*KEYS)}


def refused(life) -> None:
    d = life.new_dossier("refused", "online", life.test_data.get("online_procedure"))
    try:
        life.submit(d, 1)
        life.step(d, "refuse", "refuse_dossier", "receiving_officer",
                  reason=f"Hồ sơ không thuộc thẩm quyền giải quyết (dokiem {life.run_id})")
        after_final(life, d, "process_dossier", "specialist", note=f"dokiem {life.run_id}: thử xử lý sau từ chối")
    finally:
        if d["code"]:
            life.finish_probes(d, forms=(3,))


def withdrawn(life) -> None:
    index = 1 if life.profile.account("citizen", 1) else 0
    if index == 0:
        life.error("withdrawn: the profile has one citizen account; the second-citizen checks cannot be made")
    d = life.new_dossier("withdrawn", "online", life.test_data.get("online_procedure"), index=index)
    try:
        life.submit(d, 1, index=index)
        life.step(d, "receive", "receive_dossier", "receiving_officer")
        life.step(d, "withdraw", "withdraw_dossier", "citizen", index=index)
        after_final(life, d, "process_dossier", "specialist", note=f"dokiem {life.run_id}: thử xử lý sau khi rút")
    finally:
        if d["code"]:
            life.finish_probes(d)


def stopped(life) -> None:
    d = life.new_dossier("stopped", "online", life.test_data.get("online_procedure"))
    try:
        life.submit(d, 1)
        life.step(d, "receive", "receive_dossier", "receiving_officer")
        life.step(d, "process", "process_dossier", "specialist", note=f"dokiem {life.run_id}: thụ lý")
        life.step(d, "stop", "stop_dossier", "specialist",
                  reason=f"Người nộp không hoàn thiện hồ sơ đúng hạn (dokiem {life.run_id})")
        after_final(life, d, "process_dossier", "specialist", note=f"dokiem {life.run_id}: thử xử lý sau khi dừng")
    finally:
        if d["code"]:
            life.finish_probes(d)


def after_final(life, dossier: dict, operation: str, role: str, **inputs) -> None:
    """Try to process a dossier in a final state: the target must refuse and keep the status."""
    attempt = {"operation": operation, "role": role, "ok": None, "http_status": None, "error": None,
               "backoffice_label": None, "backoffice_code": None, "time": _now()}
    client = life.client(role)
    if client is None or not life.has(operation):
        attempt["error"] = "no session or operation not configured"
    else:
        try:
            result = client.call(operation, dossier_code=dossier["code"], **inputs)
            attempt.update(ok=result.ok, http_status=result.status, error=None if result.ok else result.describe()[:300])
        except Exception as exc:
            attempt["error"] = f"{type(exc).__name__}: {exc}"
    officer = life.client("receiving_officer")
    if officer is not None:
        seen = life.view(officer, dossier["code"])
        attempt.update(backoffice_label=seen["label"], backoffice_code=seen["code"])
    dossier["attempts_after_final"].append(attempt)
