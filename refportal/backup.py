"""Back up refportal's database (dossiers, files, accounts, audit log, configuration) while it runs,
and check a backup can be restored.

    python -m refportal.backup --db .refportal/refportal.sqlite3 --out /backup/refportal
    python -m refportal.backup --verify /backup/refportal/refportal-20261125-0200.sqlite3

The copy uses SQLite's online backup API (consistent even while requests write), then runs
`PRAGMA integrity_check` on the copy and prints one JSON line: the file, its size, SHA-256 and the
number of dossiers and attachments it holds. Restoring is copying a verified backup over the
database file while refportal is stopped. Exit status 2 for bad arguments, 1 when a check fails.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
from datetime import datetime
from pathlib import Path


def backup(db_path: Path, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"refportal-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target


def verify(path: Path) -> dict:
    """Integrity check and contents of a backup; raises ValueError when it is not usable."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise ValueError(f"{path}: integrity_check: {check}")
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("dossiers", "attachments", "users", "audit")}
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{path}: không phải bản sao lưu dùng được — not a usable backup: {exc}") from None
    finally:
        conn.close()
    return {"file": str(path), "size": path.stat().st_size,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), **counts}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m refportal.backup",
                                description="Sao lưu, kiểm tra bản sao lưu CSDL refportal — back up and verify.")
    p.add_argument("--db", type=Path, help="tệp CSDL đang dùng — the live database file")
    p.add_argument("--out", type=Path, help="thư mục chứa bản sao lưu — backup folder")
    p.add_argument("--verify", type=Path, metavar="FILE", help="chỉ kiểm tra một bản sao lưu — only verify a backup")
    args = p.parse_args(argv)
    try:
        if args.verify:
            print(json.dumps(verify(args.verify), ensure_ascii=False))
            return 0
        if not args.db or not args.out:
            p.error("cần --db và --out, hoặc --verify FILE — give --db and --out, or --verify FILE")
        if not args.db.is_file():
            p.error(f"--db: không có tệp {args.db} — no such file")
        print(json.dumps(verify(backup(args.db, args.out)), ensure_ascii=False))
        return 0
    except ValueError as exc:
        print(f"LỖI — error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
