"""The `dossier_online` part: the whole life of one online level-4 dossier (`online_full`) — submit,
the back office's intake queue, receive, process, supplement, payment through the payment
platform, the result (downloaded, its signature verified), the rating twice, and another citizen
asking for it."""
from __future__ import annotations

import datetime as dt
import hashlib

from harness.national import VIETNAM

from suites.dossier import documents
from suites.dossier.driver import Driver, StepFailed, _now, _text
from suites.dossier.signature import verify_result

KEYS = ("online_full",)


def observe(life: Driver) -> dict:
    if not life.read_only:
        life.guard("online_full", lambda: online_full(life))
    return {"dossiers": life.dossiers(*KEYS)}


def online_full(life) -> None:
    d = life.new_dossier("online_full", "online", life.test_data.get("online_procedure"))
    life.submit(d, 2)
    intake_queue(life, d)
    life.lookup(d)
    fee = d["procedure"].get("fee_total")
    try:
        life.step(d, "receive", "receive_dossier", "receiving_officer")
        life.step(d, "process", "process_dossier", "specialist", note=f"dokiem {life.run_id}: thụ lý")
        before = life.current_code(d)  # a supplement returns the dossier to where it was
        life.step(d, "request_supplement", "request_supplement", "receiving_officer",
                  reason=f"Đề nghị bổ sung bản sao giấy tờ tùy thân (dokiem {life.run_id})")
        life.step(d, "supplement", "supplement_dossier", "citizen", expected=before,
                  files=life.make_files(d, 1, "bo-sung", via="supplement_dossier"), note=f"dokiem {life.run_id}: đã bổ sung")
        before_payment = life.current_code(d)  # paying returns it there too (PROTOCOL.md §1.5: 6→4, 6→9)
        life.step(d, "request_payment", "request_payment", "specialist", amount=fee)
        seq = nps_seq(life)
        pay = life.step(d, "pay", "pay_fee", "citizen")
        payment(life, d, pay, seq, before_payment, fee)
        life.step(d, "approve", "approve_dossier", "leader")
        download_result(life, d, "approve")
        life.step(d, "return", "return_result", "receiving_officer")
        download_result(life, d, "return")
    finally:
        life.finish_probes(d, forms=(1, 2, 5))
    life.guard("online_full signature", lambda: signature(life, d))
    life.guard("online_full rating", lambda: rating(life, d))
    life.guard("online_full cross-citizen", lambda: cross_citizen(life, d))


def intake_queue(life, dossier: dict) -> None:
    """Does a dossier submitted on the portal reach the back office's register (intake queue)?"""
    officer = life.client("receiving_officer")
    queue = {"seen": False, "delay_s": None, "error": None}
    dossier["intake_queue"] = queue
    if officer is None or not life.has("list_dossiers"):
        queue["error"] = "list_dossiers cannot be called (no officer session or not configured)"
        return
    day = dt.datetime.now(VIETNAM).date().isoformat()

    def read():
        result = officer.call("list_dossiers", date_from=day, date_to=day)
        if not result.ok:
            queue["error"] = result.describe()[:300]
            return False
        return dossier["code"] in _text(result.vars.get("dossiers"))
    seen, delay = life.wait_until(read, bool, kind="intake_queue")
    queue.update(seen=bool(seen), delay_s=delay)


def nps_seq(life) -> int:
    try:
        return life.nps.last_seq()
    except Exception:
        return life.seq_start


def payment(life, d: dict, pay: dict, seq: int, before: int | None, fee) -> None:
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
            inits = life.nps.wait_for(kind="payment", service="INIT", since=seq, match=reference,
                                      timeout=life.sync_delay)
            info["init"] = [{"seq": r.get("seq"), "time": r.get("time"), "request": r.get("request"),
                             "response": r.get("response"), "validation": r.get("validation")} for r in inits]
            record["started"] = _now()
            done = life.nps.complete_payment(reference)
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
        life.error(f"{d['key']} payment_confirmed: {record['error']}")
        raise StepFailed("payment_confirmed")
    life.read_views(d, record)
    info["payment_after"] = life.view(life.client("citizen"), d["code"])["vars"].get("payment")


def download_result(life, d: dict, after: str, role: str = "citizen", index: int = 0) -> dict:
    row = {"after_step": after, "role": role, "ok": False, "http_status": None, "content_type": None, "size": 0,
           "sha256": None, "is_pdf": False, "error": None}
    client = life.client(role, index)
    if client is None or not life.has("download_result"):
        row["error"] = "download_result cannot be called (no session or not configured)"
    else:
        result = client.call("download_result", dossier_code=d["code"])
        content = result.content if result.ok else b""
        row.update(ok=result.ok, http_status=result.status, content_type=result.headers.get("Content-Type")
                   or result.headers.get("content-type"), size=len(content),
                   sha256=hashlib.sha256(content).hexdigest() if content else None,
                   is_pdf=content.startswith(b"%PDF"), error=None if result.ok else result.describe()[:300])
        if result.ok and content:
            life._results[d["key"]] = content
    d["result_downloads"].append(row)
    return row


def signature(life, d: dict) -> None:
    info = {"feature_absent": "digital_signature" in life.profile.features_absent, "detached_status": None,
            "kind": None, "verified": None, "detail": None, "signer": None, "checked_at": None, "error": None}
    d["signature"] = info
    if info["feature_absent"]:
        return
    pdf = life._results.get(d["key"])
    if not pdf:
        info["error"] = "no electronic result was downloaded — không tải được kết quả điện tử"
        return
    detached = None
    if life.has("x_download_result_signature"):
        result = life.client("citizen").call("x_download_result_signature", dossier_code=d["code"])
        info["detached_status"] = result.status
        if result.ok and result.content:
            detached = result.content
            life.sc.evidence.write_bytes(f"{d['key']}-result.sig", detached)
        elif result.status not in (404, 410) and not (result.ok and not result.content):
            info["error"] = f"the signature could not be downloaded: {result.describe()[:300]}"
            return
    life.sc.evidence.write_bytes(f"{d['key']}-result.pdf", pdf)
    info.update(verify_result(pdf, detached, life.profile.ca_file))


def rating(life, d: dict) -> None:
    """Rate once (a step), read it back; rate again: refused, or the new score replaces the first."""
    info = {"first": None, "second": None, "rating_after_first": None, "rating_after_second": None}
    d["rating"] = info
    citizen = life.client("citizen")
    top = int(life.sc.parameter("rating.levels"))  # TT 32/2017 Điều 12: 1 Chưa hài lòng … 3 Rất hài lòng
    try:
        first = life.step(d, "rate", "rate_dossier", "citizen", expected=life.current_code(d), score=top,
                          comment=f"dokiem {life.run_id}: rất hài lòng")
        info["first"] = {"ok": True, "http_status": first["http_status"], "score": top, "error": None}
    except StepFailed:
        last = d["steps"][-1]
        info["first"] = {"ok": False, "http_status": last["http_status"], "score": top, "error": last["error"]}
        return
    info["rating_after_first"] = citizen.call("get_dossier", dossier_code=d["code"]).vars.get("rating")
    second = citizen.call("rate_dossier", dossier_code=d["code"], score=1, comment=f"dokiem {life.run_id}: lần hai")
    info["second"] = {"ok": second.ok, "http_status": second.status, "score": 1,
                      "error": None if second.ok else second.describe()[:300]}
    info["rating_after_second"] = citizen.call("get_dossier", dossier_code=d["code"]).vars.get("rating")


def cross_citizen(life, d: dict) -> None:
    """Another citizen asks for this dossier and its result: both must be refused."""
    other = life.client("citizen", 1) if life.profile.account("citizen", 1) else None
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
