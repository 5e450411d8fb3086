"""`dokiem nps serve`: run the simulator services in one process (PROTOCOL.md).

The national portal adapter, the payment platform and the SMS gateway share one HTTP port
(uvicorn); the SMTP sink has its own port (aiosmtpd). When both listen, the first line on stdout
is one JSON object, {"event": "ready", "url", "smtp_host", "smtp_port", "run_id", ...}, which
harness.procs.start_ready_process waits for; a human banner follows. SIGTERM or SIGINT stops it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import os
import signal
import socket
import sys
import uuid
from pathlib import Path

import anyio.to_thread
import uvicorn

from harness.exitcodes import ExitCode
from harness.nps.catalogue import DEFAULT_CATALOGUE, load_catalogue
from harness.nps.client import ENV_CONTROL_TOKEN
from harness.nps.records import RecordStore
from harness.nps.simulator import Settings, Simulator
from harness.nps.validation import PacketValidator
from harness.yamlsource import InputError

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_EDITION_DIR = REPO_ROOT / "criteria" / "cv255-2018"
WORKER_THREADS = 100


class BadArgument(ValueError):
    pass


def parse_address(text: str, option: str) -> tuple[str, int]:
    """HOST:PORT (or [IPv6]:PORT) -> (host, port); port 0 means a free port."""
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise BadArgument(f"{option} {text!r}: cần dạng HOST:PORT, ví dụ 127.0.0.1:0 — expected HOST:PORT, "
                          "e.g. 127.0.0.1:0 (port 0 picks a free port)")
    return host, int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """How to write the host in a URL; a wildcard bind is reached locally through loopback."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dokiem nps serve",
        description="Bộ mô phỏng Cổng DVC quốc gia, nền tảng thanh toán, SMTP và SMS — the simulator services "
                    "(national portal, payment platform, SMTP sink, SMS capture). Protocol: harness/nps/PROTOCOL.md")
    p.add_argument("--bind", default="127.0.0.1:0", metavar="HOST:PORT",
                   help="HTTP address (default 127.0.0.1:0, a free loopback port)")
    p.add_argument("--smtp-bind", metavar="HOST:PORT", help="SMTP address (default: the --bind host, a free port)")
    p.add_argument("--run-id", help="run id stamped on every record (default: a new one)")
    p.add_argument("--edition-dir", type=Path, default=DEFAULT_EDITION_DIR,
                   help="edition folder whose packets/*.schema.json validate packets (default criteria/cv255-2018)")
    p.add_argument("--catalogue", type=Path, default=DEFAULT_CATALOGUE,
                   help="national procedure catalogue YAML for LayThuTuc / LayDanhSachTTHC")
    p.add_argument("--user", default="dokiem", help="user name accepted by /dvcqg/auth (default dokiem)")
    p.add_argument("--password", default="dokiem-nps", help="its password (default dokiem-nps)")
    p.add_argument("--partner", action="append", metavar="CODE:SECRET",
                   help="payment partner code and secret; repeatable (default DOKIEM:dokiem-secret)")
    p.add_argument("--public-url", help="address targets use to reach the simulator, used in UrlThanhToan "
                                        "(default: the bound URL)")
    p.add_argument("--records", type=Path, metavar="FILE", help="also append every record to this JSONL file")
    p.add_argument("--session-seconds", type=float, default=30 * 60,
                   help="lifetime of a national-portal session (default 1800)")
    p.add_argument("--callback-ca", type=Path, metavar="FILE",
                   help="CA bundle trusted for the CONFIRM callback to an HTTPS target; read at each callback, "
                        "so it may be created after the simulator starts")
    p.add_argument("--callback-insecure", action="store_true",
                   help="do not verify the target's TLS certificate when sending CONFIRM")
    p.add_argument("--control-token", default=os.environ.get(ENV_CONTROL_TOKEN),
                   help=f"require this token in the X-Dokiem-Token header of /_sim/ calls "
                        f"(default ${ENV_CONTROL_TOKEN}; none: the control API is open)")
    return p


def _partners(values: list[str] | None) -> dict[str, str]:
    partners = {}
    for value in values or ["DOKIEM:dokiem-secret"]:
        code, sep, secret = value.partition(":")
        if not sep or not code or not secret:
            raise BadArgument(f"--partner {value!r}: cần dạng MÃ:BÍ_MẬT — expected CODE:SECRET, e.g. DOKIEM:dokiem-secret")
        partners[code] = secret
    return partners


class _Server(uvicorn.Server):
    """uvicorn, announcing itself once it listens and waking record waiters when it stops."""

    def __init__(self, config, sim: Simulator, on_ready):
        super().__init__(config)
        self.sim, self.on_ready = sim, on_ready

    async def startup(self, sockets=None):
        # each waiting GET /_sim/records holds a worker thread for up to 60 s; leave room for the rest
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        await super().startup(sockets=sockets)
        if not self.should_exit:
            self.on_ready()

    async def shutdown(self, sockets=None):
        self.sim.records.close()  # a waiting /_sim/records call returns now instead of holding shutdown
        await super().shutdown(sockets=sockets)


def serve(args) -> int:
    host, port = parse_address(args.bind, "--bind")
    smtp_host, smtp_port = parse_address(args.smtp_bind, "--smtp-bind") if args.smtp_bind else (host, 0)
    partners = _partners(args.partner)
    if args.session_seconds <= 0:
        raise BadArgument("--session-seconds phải > 0 — --session-seconds must be positive")
    validator = PacketValidator(Path(args.edition_dir) / "packets")
    catalogue = load_catalogue(args.catalogue)
    run_id = args.run_id or f"nps-{dt.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    for address, option in ((host, "--bind"), (smtp_host, "--smtp-bind")):
        if not is_loopback(address):
            print(f"CẢNH BÁO: {option} {address} không phải loopback: bộ mô phỏng (cả API điều khiển /_sim/) "
                  f"nhận kết nối từ mạng — WARNING: {option} {address} is not loopback; the simulator, control API "
                  "included, accepts connections from the network. Meant for remote targets; consider "
                  "--control-token.", file=sys.stderr, flush=True)

    try:
        http_socket = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as exc:
        raise BadArgument(f"--bind {args.bind}: không mở được cổng ({exc}) — cannot listen there ({exc})") from None
    url = f"http://{url_host(host)}:{http_socket.getsockname()[1]}"
    try:
        records = RecordStore(run_id, jsonl_path=args.records)
    except OSError as exc:
        http_socket.close()
        raise BadArgument(f"--records {args.records}: không ghi được ({exc}) — cannot write there ({exc})") from None
    verify: bool | str = False if args.callback_insecure else (str(args.callback_ca) if args.callback_ca else True)
    settings = Settings(run_id=run_id, public_url=(args.public_url or url).rstrip("/"),
                        users={args.user: args.password}, partners=partners, session_seconds=args.session_seconds,
                        callback_verify=verify, control_token=args.control_token, url=url)
    sim = Simulator(settings, validator, catalogue, records)

    from harness.nps.app import create_app
    from harness.nps.mail import SinkController, SinkHandler

    try:
        smtp = SinkController(SinkHandler(sim), smtp_host, smtp_port)
        smtp.start()
    except OSError as exc:
        http_socket.close()
        raise BadArgument(f"--smtp-bind {smtp_host}:{smtp_port}: không mở được cổng SMTP ({exc}) — cannot listen "
                          f"there ({exc})") from None
    settings.smtp_host, settings.smtp_port = url_host(smtp_host).strip("[]"), smtp.port

    def announce():
        print(json.dumps({"event": "ready", "url": url, "smtp_host": settings.smtp_host,
                          "smtp_port": settings.smtp_port, "run_id": run_id, "public_url": settings.public_url,
                          "pid": os.getpid()}, ensure_ascii=False), flush=True)
        print(_banner(settings), flush=True)

    config = uvicorn.Config(create_app(sim), log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=3)
    # uvicorn takes SIGINT/SIGTERM while it runs and raises them again once it has stopped; these
    # handlers receive that second raise, so the process finishes its own cleanup and exits 0.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    try:
        _Server(config, sim, announce).run(sockets=[http_socket])
    finally:
        smtp.stop()
        records.close()
    return ExitCode.OK


def _banner(s: Settings) -> str:
    return "\n".join([
        f"Bộ mô phỏng dokiem đang chạy — dokiem simulator services running (run {s.run_id})",
        f"  Cổng DVC quốc gia (national portal)   {s.public_url}/dvcqg/auth, {s.public_url}/dvcqg/integration",
        f"  Nền tảng thanh toán (payment platform) {s.public_url}/payment/api",
        f"  SMS                                    {s.public_url}/sms/send",
        f"  SMTP                                   {s.smtp_host}:{s.smtp_port}",
        f"  Điều khiển (control API)               {s.url}/_sim/health",
        "  Dừng: Ctrl+C — stop with Ctrl+C or SIGTERM",
    ])


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "serve":
        print("usage: python -m harness.nps.server serve [options] (see --help)", file=sys.stderr)
        return ExitCode.BAD_INPUT
    options = argv[1:]
    if options[:1] == ["--"]:  # `dokiem nps serve -- --bind …`: the separator some parsers need
        options = options[1:]
    args = build_parser().parse_args(options)
    try:
        return serve(args)
    except InputError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        print(f"dokiem nps serve: dữ liệu đầu vào không hợp lệ — bad input ({len(exc.problems)} problem(s))",
              file=sys.stderr)
        return ExitCode.BAD_INPUT
    except BadArgument as exc:
        print(f"dokiem nps serve: {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
