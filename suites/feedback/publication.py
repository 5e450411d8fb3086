"""Judge of feedback.published: the answer to a complaint is published on the portal (pure).

Công văn 4663/VPCP-TTĐT (2014) sets up the national system receiving and handling complaints and
petitions (PAKN) on administrative rules and procedures; the portal's part is to receive them,
answer them and make the answers public (checked here), and to connect to the national PAKN
system (TT 01/2018/TT-VPCP Điều 16 khoản 2 điểm e)."""
from __future__ import annotations

import unicodedata

from harness import Inconclusive


def _norm(text) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split())


def _text(item) -> str:
    if isinstance(item, dict):
        return " ".join(_text(v) for v in item.values())
    if isinstance(item, list):
        return " ".join(_text(v) for v in item)
    return _norm(item)


def judge_published(obs: dict) -> None:
    answer = obs.get("answer") or {}
    code = answer.get("tracking_code")
    if not code or not answer.get("ok"):
        raise Inconclusive(f"không có phản ánh nào được trả lời trong lần chạy — no complaint was answered in the run: "
                           f"{answer.get('error') or ''}")
    seen = obs.get("published") or {}
    if not seen.get("ok"):
        if isinstance(seen.get("http_status"), int):
            raise AssertionError(f"Cổng không công khai danh sách phản ánh đã trả lời: HTTP {seen.get('http_status')} "
                                 "— the portal does not publish answered complaints")
        raise Inconclusive(f"list_published_feedback: {seen.get('error')}")
    items = seen.get("items")
    if items is None:
        raise Inconclusive("list_published_feedback trả lời nhưng không có danh sách 'items' — the answer holds no "
                           "list; check operations.list_published_feedback.returns.items in the profile")
    mine = [i for i in items if code in _text(i)]
    if not mine:
        raise AssertionError(f"Phản ánh {code} đã trả lời nhưng không có trong danh sách công khai ({len(items)} mục) — "
                             "the answered complaint is not published")
    if not any(_norm(answer.get("text")) in _text(i) for i in mine):
        raise AssertionError(f"Phản ánh {code} được công khai nhưng không kèm câu trả lời — published without its answer")
