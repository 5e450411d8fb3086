"""python -m refportal: start the reference portal.

Prints one JSON "ready" line on stdout once it accepts connections (API.md), then a banner with
the URL and the test accounts. Stops cleanly on SIGTERM.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m refportal",
                                description="Cổng Dịch vụ công + Hệ thống một cửa điện tử tham chiếu (refportal).")
    p.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe — address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8800, help="cổng; 0 chọn cổng trống — port; 0 picks a free one")
    p.add_argument("--state-dir", type=Path, default=Path(".refportal"),
                   help="thư mục CA, chứng thư — folder of the local CA and certificates (default .refportal/)")
    p.add_argument("--db", type=Path, help="tệp SQLite — database file (default <state-dir>/refportal.sqlite3)")
    p.add_argument("--http", action="store_true", help="HTTP thường thay vì HTTPS — plain HTTP instead of HTTPS")
    p.add_argument("--public-url", help="URL công khai dùng trong gói tin, callback — public base URL used in "
                                        "packets and callbacks (default: the bound URL)")
    p.add_argument("--national-portal", metavar="URL", help="Cổng DVC quốc gia + nền tảng thanh toán — national "
                                                            "portal adapter and payment platform base URL")
    p.add_argument("--nps-user", default="dokiem")
    p.add_argument("--nps-password", default="dokiem-nps")
    p.add_argument("--payment-partner", default="DOKIEM")
    p.add_argument("--payment-secret", default="dokiem-secret")
    p.add_argument("--smtp", metavar="HOST:PORT", help="máy chủ thư — SMTP server for mail to applicants")
    p.add_argument("--sms-gateway", metavar="URL", help="cổng SMS (POST URL/send) — SMS gateway")
    p.add_argument("--postal-gateway", metavar="URL", help="cổng doanh nghiệp bưu chính (POST URL/orders) — public "
                                                           "postal operator's gateway for returns by post")
    p.add_argument("--sync-retry-s", type=float, default=5.0,
                   help="giây chờ trước khi gửi lại gói tin lỗi — seconds before a refused packet is resent (default 5)")
    p.add_argument("--lockout-minutes", type=float, default=15.0,
                   help="phút khóa sau 5 lần đăng nhập sai — lockout after 5 failed logins, minutes (default 15)")
    p.add_argument("--defects", default="", metavar="A,B",
                   help="bật lỗi cố ý (refportal/defects.yaml) — switch these defects on at start")
    p.add_argument("--style", default="", metavar="A,B",
                   help="kiểu triển khai của nhà cung cấp (refportal/styles.py), không phải lỗi — vendor styles: "
                        "legitimate alternative implementations, e.g. stepwise")
    p.add_argument("--test-control", action="store_true",
                   help="mở /_test/defects và /_test/clock, chỉ nhận từ loopback — enable the test-control "
                        "endpoints (loopback peers only)")
    p.add_argument("--clock-offset", type=float, default=0.0, metavar="DAYS",
                   help="dịch đồng hồ của cổng (ngày, có thể âm, lẻ) — shift refportal's clock by DAYS (float)")
    p.add_argument("--log-level", default="warning", choices=("debug", "info", "warning", "error"))
    args = p.parse_args(argv)
    if args.smtp:
        host, _, port = args.smtp.rpartition(":")
        if not host or not port.isdigit():
            p.error(f"--smtp: '{args.smtp}' phải có dạng HOST:PORT — must be HOST:PORT, e.g. 127.0.0.1:2525")
        args.smtp = (host, int(port))
    for name in ("national_portal", "sms_gateway", "postal_gateway", "public_url"):
        value = getattr(args, name)
        if value and not value.startswith(("http://", "https://")):
            p.error(f"--{name.replace('_', '-')}: '{value}' phải là URL http(s)://… — must be an http(s) URL")
    if not 0 <= args.port <= 65535:
        p.error("--port: 0–65535")
    if args.sync_retry_s <= 0 or args.lockout_minutes <= 0:
        p.error("--sync-retry-s and --lockout-minutes must be positive")
    if not -36500 <= args.clock_offset <= 36500:
        p.error("--clock-offset: số ngày trong khoảng ±36500 — days within ±36500")
    from refportal import defects, styles

    try:
        args.style = styles.check_names(args.style.split(","))
    except styles.UnknownStyle as exc:
        p.error(f"--style: {exc}")
    try:
        args.defects = defects.check_names(args.defects.split(","))
    except defects.UnknownDefect as exc:
        p.error(f"--defects: {exc}")
    except defects.RegistryError as exc:
        p.error(str(exc))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM before or after the server runs: leave quietly with exit status 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from refportal.server import run

    try:
        return run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
