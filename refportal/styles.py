"""Vendor styles: legitimate alternative ways a real portal is built, not defects.

A style changes how refportal offers the same service so that dokiem's profile language can be
proven on it (profiles/README.md has the profile of each): `stepwise` — the back office addresses
dossiers by an internal numeric id and moves them with load → step id and version → transition,
its register is read page by page with a cursor (refportal/api/stepwise.py); the classic back-office
step routes and register are then not offered. `envelope` — every refusal of the API (4xx) is sent as
HTTP 200 with {"success": false, "code": <status>, "message": …} (refportal/errors.py), as many
Vietnamese e-government APIs do; server errors stay 5xx. Styles are chosen at start (`--style a,b`); the
classic style is none.
"""
from __future__ import annotations

STYLES = {
    "stepwise": "hồ sơ trong Hệ thống MCĐT theo mã nội bộ, tải → bước và phiên bản → chuyển bước; danh sách phân "
                "trang bằng con trỏ — back office by internal id: load, step id and version, transition; cursor pages",
    "envelope": "API trả HTTP 200 cho cả lời từ chối, kết quả ghi trong thân {success: false, code, message} — every "
                "API refusal is HTTP 200 with the outcome in the body",
}

_active: frozenset[str] = frozenset()


class UnknownStyle(ValueError):
    pass


def check_names(names) -> list[str]:
    chosen = sorted({n.strip() for n in names if n and n.strip()})
    unknown = [n for n in chosen if n not in STYLES]
    if unknown:
        raise UnknownStyle(f"kiểu triển khai không có — unknown style(s): {', '.join(unknown)}; "
                           f"known: {', '.join(sorted(STYLES))}")
    return chosen


def set_active(names) -> None:
    global _active
    _active = frozenset(check_names(names))


def active() -> list[str]:
    return sorted(_active)


def on(name: str) -> bool:
    if name not in STYLES:
        raise KeyError(name)
    return name in _active
