"""Start-up: database and seed, certificates, services, then uvicorn on a socket bound first (so
`--port 0` knows its port), announcing itself with the JSON ready line once it accepts connections."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import ssl
import sys

import uvicorn

from refportal import clock, db, defects, pki, population, seed_dossiers, seeding, styles
from refportal.context import Context, Portal, Settings
from refportal.notify import Notifier
from refportal.sync import NationalPortalClient, SyncWorker


def build_context(args: argparse.Namespace) -> Context:
    state_dir = args.state_dir.resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    db_path = (args.db or state_dir / "refportal.sqlite3").resolve()
    settings = Settings(host=args.host, port=args.port, db_path=db_path, state_dir=state_dir, https=not args.http,
                        national_portal=args.national_portal, nps_user=args.nps_user, nps_password=args.nps_password,
                        payment_partner=args.payment_partner, payment_secret=args.payment_secret, smtp=args.smtp,
                        sms_gateway=args.sms_gateway, postal_gateway=args.postal_gateway,
                        sync_retry_s=args.sync_retry_s,
                        lockout_minutes=args.lockout_minutes, test_control=args.test_control)
    # the clock and the defects first: the seed's dossiers are dated by the (shifted) clock
    clock.set_offset_days(args.clock_offset)
    defects.set_active(args.defects)
    styles.set_active(getattr(args, "style", []))
    conn = db.initialise(db_path)
    try:
        seeding.seed(conn)
        seed_dossiers.seed(conn)
        population.seed(conn)
        portal = Portal.load(conn)
        url_secret = db.get_setting(conn, "url_secret")
    finally:
        conn.close()
    ca = pki.ensure_ca(state_dir)
    ctx = Context(settings=settings, portal=portal, url_secret=url_secret, signer=pki.ensure_signing_cert(ca, state_dir),
                  ca=ca)
    if settings.national_portal:
        client = NationalPortalClient(settings.national_portal, settings.nps_user, settings.nps_password, portal.code)
        ctx.sync = SyncWorker(ctx, client)
    ctx.notifier = Notifier(settings.smtp, settings.sms_gateway, portal.mail_from, portal.sms_sender)
    return ctx


class ReadyServer(uvicorn.Server):
    """uvicorn, printing the ready line and banner once the socket accepts connections."""

    def __init__(self, config: uvicorn.Config, announce):
        super().__init__(config)
        self.announce = announce

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        if self.started and not self.should_exit:
            self.announce()

    async def _wait_tasks_to_complete(self) -> None:
        # An idle keep-alive TLS connection only closes once the client answers close_notify,
        # which an idle client never does: uvicorn would wait out the whole graceful timeout.
        # Requests in flight keep their connection; idle ones are dropped after a short grace.
        await asyncio.sleep(0.3)
        for connection in list(self.server_state.connections):
            cycle = getattr(connection, "cycle", None)
            transport = getattr(connection, "transport", None)
            if transport is not None and (cycle is None or getattr(cycle, "response_complete", False)):
                transport.abort()
        await super()._wait_tasks_to_complete()


def run(args: argparse.Namespace) -> int:
    try:
        ctx = build_context(args)
    except seeding.SeedError as exc:
        print(f"LỖI dữ liệu khởi tạo — seed data error: {exc}", file=sys.stderr)
        return 2
    settings = ctx.settings
    from refportal.app import create_app  # after the context: importing FastAPI is the slow part

    ssl_files = {}
    if settings.https:
        cert, key = pki.write_server_cert(ctx.ca, settings.state_dir, settings.host)
        ssl_files = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
    config = uvicorn.Config(create_app(ctx), host=settings.host, port=settings.port, server_header=False,
                            date_header=True, access_log=False, log_level=args.log_level, lifespan="on",
                            timeout_graceful_shutdown=3, **ssl_files)
    try:
        sock = bind_socket(settings.host, settings.port)
    except OSError as exc:
        print(f"LỖI: không mở được cổng {settings.host}:{settings.port} — cannot bind: {exc}", file=sys.stderr)
        return 3
    config.load()
    if config.ssl is not None:
        config.ssl.minimum_version = ssl.TLSVersion.TLSv1_2
    port = sock.getsockname()[1]
    scheme = "https" if settings.https else "http"
    shown_host = settings.host if settings.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    url = f"{scheme}://{shown_host}:{port}"
    settings.port = port
    settings.public_url = (args.public_url or url).rstrip("/")

    def announce() -> None:
        accounts = seeding.account_names()
        ready = {"event": "ready", "url": url, "ca_file": str(settings.state_dir / "ca.pem") if settings.https else None,
                 "pid": os.getpid(), "db": str(settings.db_path), "accounts": accounts,
                 "national_portal": settings.national_portal, "public_url": settings.public_url,
                 "test_control": settings.test_control, "defects": defects.active(), "styles": styles.active(),
                 "clock_offset_days": clock.offset_days()}
        print(json.dumps(ready, ensure_ascii=False), flush=True)
        print(banner(url, settings), flush=True)

    ReadyServer(config, announce).run(sockets=[sock])
    return 0


def bind_socket(host: str, port: int) -> socket.socket:
    """The listening socket, made here so `--port 0` knows its port before the ready line.

    It is created with proto IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets it can see are
    TCP, and without it every keep-alive response waits ~40 ms for a delayed ACK (Nagle)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                          proto=socket.IPPROTO_TCP)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(address)
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def banner(url: str, settings: Settings) -> str:
    lines = [f"refportal — Cổng Dịch vụ công tham chiếu đang chạy tại {url}",
             f"  CA: {settings.state_dir / 'ca.pem'}" if settings.https else "  HTTP thường (--http)",
             f"  CSDL: {settings.db_path}",
             f"  Cổng DVC quốc gia: {settings.national_portal or 'tắt (off) — thanh toán qua trang thử nghiệm'}",
             "  Tài khoản thử nghiệm (test accounts):"]
    try:
        for acc in seeding.load_accounts():
            lines.append(f"    {acc['role']:<18} {acc['username']:<14} {acc['password']}")
    except seeding.SeedError:
        lines.append("    (xem refportal/seed/accounts.yaml)")
    if styles.active():
        lines.append(f"  Kiểu triển khai (vendor styles): {', '.join(styles.active())}")
    if defects.active():
        lines.append(f"  LỖI CỐ Ý đang bật (defects on): {', '.join(defects.active())}")
    if settings.test_control:
        lines.append("  Điều khiển kiểm thử (test control): /_test/defects, /_test/clock — chỉ từ loopback")
    if clock.offset_days():
        lines.append(f"  Đồng hồ lệch (clock offset): {clock.offset_days():+g} ngày")
    lines.append("  Dừng: Ctrl+C hoặc SIGTERM.")
    return "\n".join(lines)
