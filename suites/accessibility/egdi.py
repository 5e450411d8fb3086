"""Công văn 961/LĐTBXH-PC (EGDI): whether the portal gives information in English, as an
observation in the record (NFR-11 is informative: recorded, never scored)."""
from __future__ import annotations


def english_table(observations: dict) -> dict:
    english = observations.get("english") or {}
    found = english.get("found")
    visited = english.get("visited") or []
    tried = "; ".join(f"{v.get('url')} ({v.get('status') or v.get('error')}, lang={v.get('lang')})" for v in visited)
    return {"id": "egdi-961-english", "csv": "egdi-961-english.csv",
            "title_vi": "Quan sát theo Công văn 961/LĐTBXH-PC (EGDI): thông tin bằng tiếng Anh",
            "title_en": "Observations for Công văn 961/LĐTBXH-PC (EGDI): information in English",
            "columns": ["Chỉ tiêu (indicator)", "Số liệu quan sát (observed)", "Các trang đã thử (pages tried)"],
            "rows": [["Trang thông tin bằng tiếng Anh (English page, lang=en)",
                      found or "không tìm thấy — none found", tried or "—"]]}
