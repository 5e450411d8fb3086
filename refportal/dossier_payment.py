"""Paying for a dossier: online through the payment platform (or its sandbox) and at the counter,
the platform's CONFIRM, and the payment as views show it."""
from __future__ import annotations

import json
import secrets
import sqlite3

from refportal import audit, clock, db, defects, payment, status
from refportal.accounts import User
from refportal.context import Context
from refportal.dossiers import (NOT_FOUND, PAYMENT_PLATFORM, Actor, Outcome, add_history, after_commit, apply_step,
                                enqueue_sync, load, procedure_of, shown_label)
from refportal.failures import ApiError


def start_payment(conn: sqlite3.Connection, ctx: Context, user: User, code: str, ip: str | None) -> dict:
    """The owner starts paying: INIT to the payment platform (or the sandbox); 409 unless status 6."""
    dossier = load(conn, code)
    if dossier is None or dossier["owner_id"] != user.id:
        raise ApiError(404, NOT_FOUND)
    if dossier["status"] != status.CHO_NGHIA_VU_TAI_CHINH:
        raise ApiError(409, "Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính — no payment is due",
                       status_label=status.label(dossier["status"]))
    if defects.on("level4-no-payment") and online_payment_missing(conn, dossier):
        raise ApiError(409, "Thủ tục chưa hỗ trợ thanh toán trực tuyến, vui lòng nộp phí tại Bộ phận Một cửa — "
                            "online payment is not offered")
    pending = conn.execute("SELECT * FROM payments WHERE dossier_id = ? AND status = 'pending' ORDER BY created_at DESC",
                           (dossier["id"],)).fetchone()
    if pending is not None and pending["amount"] == dossier["payment_amount"]:
        if pending["mode"] == "platform":
            refreshed = query_payment(conn, ctx, user, code)
            if refreshed["status"] == "paid":
                raise ApiError(409, "Hồ sơ đã được thanh toán — already paid")
        return {"payment_reference": pending["reference"], "payment_url": pending["payment_url"]}
    procedure = procedure_of(conn, dossier["procedure_code"])
    count = conn.execute("SELECT count(*) FROM payments WHERE dossier_id = ?", (dossier["id"],)).fetchone()[0]
    reference = f"{dossier['code']}-TT{count + 1}-{secrets.token_hex(2).upper()}"
    amount = dossier["payment_amount"]
    if ctx.settings.national_portal:
        message = payment.init_message(ctx, reference, amount, dict(dossier), procedure,
                                       json.loads(dossier["applicant"]).get("full_name", ""), ip or "127.0.0.1")
        try:
            answer = payment.post(ctx, message)
        except payment.PaymentError as exc:
            raise ApiError(502, str(exc)) from None
        url, mode = answer.get("UrlThanhToan") or "", "platform"
    else:
        url, mode = f"{ctx.public_url}/thanh-toan/{reference}", "sandbox"
    with db.transaction(conn):
        conn.execute("INSERT INTO payments(reference, dossier_id, amount, status, mode, payment_url, created_at) "
                     "VALUES (?,?,?,?,?,?,?)", (reference, dossier["id"], amount, "pending", mode, url, clock.iso(clock.now())))
    return {"payment_reference": reference, "payment_url": url}


def record_counter_payment(conn: sqlite3.Connection, ctx: Context, user: User, code: str,
                           ip: str | None = None) -> sqlite3.Row:
    """The fee paid in cash or by card at the counter: the receiving officer records it, the dossier
    leaves status 6 as after an online payment, and a fee receipt (biên lai) can be printed."""
    if user.role != "receiving_officer":
        raise ApiError(403, "Chỉ cán bộ Bộ phận Một cửa thu phí tại quầy — only the receiving officer")
    dossier = load(conn, code)
    if dossier is None:
        raise ApiError(404, NOT_FOUND)
    procedure = procedure_of(conn, dossier["procedure_code"])
    actor = Actor.of(conn, user)
    outcome = Outcome()
    with db.transaction(conn):
        dossier = load(conn, code)
        if dossier["status"] != status.CHO_NGHIA_VU_TAI_CHINH:
            raise ApiError(409, "Hồ sơ không chờ thực hiện nghĩa vụ tài chính — no payment is due",
                           status_label=shown_label(dossier["status"]))
        count = conn.execute("SELECT count(*) FROM payments WHERE dossier_id = ?", (dossier["id"],)).fetchone()[0]
        reference, now = f"{code}-TQ{count + 1}", clock.iso(clock.now())
        amount = dossier["payment_amount"]
        conn.execute("UPDATE payments SET status = 'failed' WHERE dossier_id = ? AND status = 'pending'", (dossier["id"],))
        conn.execute("INSERT INTO payments(reference, dossier_id, amount, status, mode, created_at, paid_at, "
                     "transaction_id) VALUES (?,?,?,?,?,?,?,?)",
                     (reference, dossier["id"], amount, "paid", "counter", now, now, reference))
        target = status.target_of("payment-confirmed", dossier["status"], dossier["came_from"])
        apply_step(conn, ctx, dossier, procedure, "payment-confirmed", target, actor, None, None, None, [], outcome)
        history_row = add_history(conn, dossier["id"], actor, "Đã thu phí, lệ phí tại Bộ phận Một cửa", target,
                               f"Biên lai {reference}, số tiền {amount} đồng")
        audit.record(conn, user.username, "dossier_payment_counter", code, ip)
        dossier = enqueue_sync(conn, ctx, dossier["id"], procedure, history_row)
    after_commit(ctx, outcome)
    return dossier


def confirm_payment(conn: sqlite3.Connection, ctx: Context, message: dict) -> tuple[int, dict]:
    """The platform's CONFIRM: check MaXacThuc, partner, reference and amount; record the payment
    and move the dossier on. Returns (HTTP status, answer)."""
    if not isinstance(message, dict) or message.get("LoaiBanTin") != "CONFIRM" or not payment.mac_ok(message, ctx.settings.payment_secret):
        return 400, {"MaLoi": payment.WRONG_MAC, "MoTaLoi": "Sai mã xác thực (MaXacThuc) — wrong MaXacThuc"}
    if message.get("MaDoiTac") != ctx.settings.payment_partner:
        return 400, {"MaLoi": "01", "MoTaLoi": "Sai mã đối tác — unknown partner"}
    row = conn.execute("SELECT * FROM payments WHERE reference = ?", (message.get("MaThamChieu"),)).fetchone()
    if row is None:
        return 404, {"MaLoi": "02", "MoTaLoi": "Không có giao dịch — unknown MaThamChieu"}
    if str(message.get("SoTien")) != str(row["amount"]):
        return 400, {"MaLoi": "03", "MoTaLoi": "Số tiền không khớp — amount differs"}
    if message.get("MaLoi") != payment.OK:
        with db.transaction(conn):
            conn.execute("UPDATE payments SET status = 'failed' WHERE reference = ? AND status = 'pending'", (row["reference"],))
        return 200, {"MaLoi": payment.OK, "MoTaLoi": "Đã ghi nhận giao dịch không thành công"}
    _record_paid(conn, ctx, row["reference"], message.get("MaGiaoDich"), message.get("MaNganHang"))
    return 200, {"MaLoi": payment.OK, "MoTaLoi": "Thành công"}


def _record_paid(conn: sqlite3.Connection, ctx: Context, reference: str, transaction_id, bank) -> None:
    outcome = Outcome()
    with db.transaction(conn):
        row = conn.execute("SELECT * FROM payments WHERE reference = ?", (reference,)).fetchone()
        if row["status"] == "paid":
            return  # a repeated confirmation changes nothing
        conn.execute("UPDATE payments SET status = 'paid', paid_at = ?, transaction_id = ?, bank = ? WHERE reference = ?",
                     (clock.iso(clock.now()), transaction_id, bank, reference))
        dossier = conn.execute("SELECT * FROM dossiers WHERE id = ?", (row["dossier_id"],)).fetchone()
        if dossier["status"] != status.CHO_NGHIA_VU_TAI_CHINH:
            return  # paid, but the dossier has moved on (withdrawn, stopped): keep the record only
        procedure = procedure_of(conn, dossier["procedure_code"])
        target = status.target_of("payment-confirmed", dossier["status"], dossier["came_from"])
        apply_step(conn, ctx, dossier, procedure, "payment-confirmed", target, PAYMENT_PLATFORM, None, None, None, [], outcome)
        note = f"Mã giao dịch {transaction_id}, số tiền {row['amount']} đồng"
        history_row = add_history(conn, dossier["id"], PAYMENT_PLATFORM, status.STEPS["payment-confirmed"].action, target, note)
        audit.record(conn, PAYMENT_PLATFORM.username, "dossier_payment_confirmed", dossier["code"], None)
        enqueue_sync(conn, ctx, dossier["id"], procedure, history_row)
    after_commit(ctx, outcome)


def query_payment(conn: sqlite3.Connection, ctx: Context, user: User | None, code: str) -> dict:
    """QUERY the platform about the dossier's pending payment; applies a payment it reports."""
    dossier = load(conn, code)
    if dossier is None or (user is not None and dossier["owner_id"] != user.id):
        raise ApiError(404, NOT_FOUND)
    row = conn.execute("SELECT * FROM payments WHERE dossier_id = ? ORDER BY created_at DESC LIMIT 1",
                       (dossier["id"],)).fetchone()
    if row is None:
        raise ApiError(404, "Hồ sơ chưa có giao dịch thanh toán — no payment started")
    if row["status"] == "pending" and row["mode"] == "platform":
        try:
            answer = payment.post(ctx, payment.query_message(ctx, row["reference"]))
        except payment.PaymentError as exc:
            raise ApiError(502, str(exc)) from None
        if str(answer.get("TrangThaiGD")) == "1":
            _record_paid(conn, ctx, row["reference"], answer.get("MaGiaoDich"), answer.get("MaNganHang"))
        elif str(answer.get("TrangThaiGD")) == "2":
            with db.transaction(conn):
                conn.execute("UPDATE payments SET status = 'failed' WHERE reference = ?", (row["reference"],))
        row = conn.execute("SELECT * FROM payments WHERE reference = ?", (row["reference"],)).fetchone()
    return payment_view(row)


def sandbox_pay(conn: sqlite3.Connection, ctx: Context, user: User, reference: str) -> sqlite3.Row:
    """The built-in sandbox 'platform': the owner confirms, and the CONFIRM path runs as for a real one."""
    row = conn.execute("SELECT p.*, d.code, d.owner_id FROM payments p JOIN dossiers d ON d.id = p.dossier_id "
                       "WHERE p.reference = ?", (reference,)).fetchone()
    if row is None or row["owner_id"] != user.id or row["mode"] != "sandbox":
        raise ApiError(404, "Không có giao dịch — unknown payment")
    status_code, answer = confirm_payment(conn, ctx, payment.sandbox_confirm_message(ctx, reference, row["amount"], row["code"]))
    if status_code != 200:
        raise ApiError(status_code, answer.get("MoTaLoi", "payment refused"))
    return row


def payment_view(row: sqlite3.Row) -> dict:
    return {"reference": row["reference"], "amount": row["amount"], "status": row["status"], "mode": row["mode"],
            "payment_url": row["payment_url"], "created_at": row["created_at"], "paid_at": row["paid_at"],
            "transaction_id": row["transaction_id"]}


def online_payment_missing(conn: sqlite3.Connection, dossier: sqlite3.Row) -> bool:
    """Defect level4-no-payment: a procedure declared level 4 whose online payment is not offered."""
    return procedure_of(conn, dossier["procedure_code"])["level"] == 4
