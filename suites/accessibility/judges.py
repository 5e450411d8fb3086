"""The judges of this suite: observations (OBSERVATIONS.md) in, AssertionError out. No I/O.

Messages are what a tester reads in the record: Vietnamese, then English, naming the page and
what was expected. A judge whose data is missing or whose page could not be opened raises
harness.Inconclusive (ERROR), never passes; where it has both a definite fault and missing data,
the fault wins (FAIL).
"""
from __future__ import annotations

import re
from functools import partial

from harness import judging
from harness.judging import Inconclusive, require

from suites.accessibility import vietnamese
from suites.accessibility.axe_rules import RuleMap

FAILING_IMPACTS = ("serious", "critical")
MAX_LINES = 25  # lines of one message; the rest are counted ("… and N more")
fail_if = partial(judging.fail_if, first=MAX_LINES, more="- … và {n} mục khác — and {n} more")
KEY_KINDS = ("home", "procedure", "lookup", "feedback")
LANG_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")
# CSS properties whose endless animation moves, scrolls or blinks what it animates
MOVING_PROPERTIES = {"transform", "translate", "rotate", "scale", "left", "right", "top", "bottom", "margin",
                     "marginleft", "marginright", "margintop", "marginbottom", "textindent", "opacity",
                     "visibility", "display", "insetinlinestart", "offsetdistance"}


def _where(page: dict) -> str:
    return f"{page.get('key')} {page.get('url')}"


def _unreachable(pages: list[dict]) -> list[str]:
    return [f"{_where(p)}: {p.get('error') or 'HTTP ' + str(p.get('status'))}"
            for p in pages if p.get("error") or p.get("status") != 200]


def _require_key_pages(obs: dict, pages: list[dict], what: str) -> None:
    """ERROR when a key page was not found or not opened: the check cannot speak for it."""
    problems = [f"{e['key']}: {e['error']}" for e in obs.get("discovery_errors", [])]
    problems += _unreachable([p for p in pages if p.get("kind") in KEY_KINDS])
    if problems:
        raise Inconclusive(f"không mở được trang cần kiểm tra ({what}) — could not open the pages to judge: "
                           + "; ".join(problems))


# =========================================================================== browser_pages

def axe_findings(obs: dict, rule_map: RuleMap) -> list[dict]:
    """Every axe violation and incomplete result: page, rule, impact, legal mapping, nodes."""
    rows = []
    for page in obs.get("pages", []):
        for kind in ("violations", "incomplete"):
            for rule in (page.get("axe") or {}).get(kind, []):
                rows.append({"page": page, "kind": kind, "rule": rule,
                             "legal": rule_map.describe(rule["id"], rule.get("tags"))})
    return rows


def axe(obs: dict, rule_map: RuleMap) -> None:
    """a11y.axe: no violation of impact serious or critical on the key pages under the edition's level.

    Minor and moderate violations are reported (table, evidence) but do not fail: axe gives them
    to findings that hinder less and that more often need a person to judge them (for example a
    heading order or a redundant role), and TT 32/2017 Điều 18 asks that pages be usable, not free
    of every imperfection; NFR-06 reads "no serious violation at the specified WCAG level".
    axe's "incomplete" results (it could not decide, e.g. text over an image) are never failures:
    they become review items for the tester (`axe_review_items`).
    """
    pages = require(obs.get("pages"), "trang quét bằng axe-core (pages scanned by axe-core)")
    lines = []
    for row in axe_findings(obs, rule_map):
        rule = row["rule"]
        if row["kind"] == "violations" and rule.get("impact") in FAILING_IMPACTS:
            nodes = "; ".join(" ".join(n.get("target") or []) for n in rule["nodes"][:3])
            lines.append(f"[{rule['impact']}] {rule['id']} ({row['legal']['text']}) — {rule.get('help', '')} — "
                         f"trang {_where(row['page'])}: {rule['node_count']} phần tử (elements), ví dụ (e.g.) {nodes}")
    fail_if(lines, f"axe-core tìm thấy vi phạm mức nghiêm trọng theo WCAG {obs.get('wcag_level')} — axe-core found serious "
            f"or critical violations at WCAG {obs.get('wcag_level')} (tags {', '.join(obs.get('axe_tags', []))}):")
    _require_key_pages(obs, pages, "axe-core")
    not_scanned = [_where(p) for p in pages if p.get("axe") is None]
    if not_scanned:
        raise Inconclusive("axe-core không chạy được trên — axe-core did not run on: " + "; ".join(not_scanned))
    kinds = {p.get("kind") for p in pages}
    missing = [k for k in KEY_KINDS if k not in kinds]
    if missing:
        raise Inconclusive(f"chưa quét các trang chính — key pages not scanned: {', '.join(missing)}")


def axe_recorded(obs: dict, rule_map: RuleMap, run) -> None:
    """a11y.axe as a run judges it: the findings table and the review items go into the record
    (`run` is the `dokiem` fixture), then `axe` decides."""
    run.add_table(axe_table(obs, rule_map))
    for item in axe_review_items(obs, rule_map):
        run.add_review_item(item)
    axe(obs, rule_map)


def axe_review_items(obs: dict, rule_map: RuleMap) -> list[dict]:
    """axe's incomplete results, one review item per rule: a person decides, never a failure."""
    by_rule: dict[str, list[dict]] = {}
    for row in axe_findings(obs, rule_map):
        if row["kind"] == "incomplete":
            by_rule.setdefault(row["rule"]["id"], []).append(row)
    items = []
    for rule_id, rows in sorted(by_rule.items()):
        legal = rows[0]["legal"]
        count = sum(r["rule"]["node_count"] for r in rows)
        where = ", ".join(sorted({r["page"]["key"] for r in rows}))
        helptext = rows[0]["rule"].get("help", "")
        items.append({
            "criterion": None, "check": "a11y.axe",
            "text_vi": f"axe-core không tự kết luận được quy tắc {rule_id} ({helptext}) trên {count} phần tử ở các "
                       f"trang {where}; người đánh giá cần xem lại. {legal['text_vi']}.",
            "text_en": f"axe-core could not decide rule {rule_id} ({helptext}) on {count} elements of the pages "
                       f"{where}; a tester must review them. {legal['text_en']}.",
            "evidence": sorted({r["page"]["evidence"] for r in rows if r["page"].get("evidence")}),
        })
    return items


def axe_table(obs: dict, rule_map: RuleMap) -> dict:
    """Every axe finding of the run, for the record; pages without findings get one line."""
    rows = []
    for row in axe_findings(obs, rule_map):
        rule = row["rule"]
        if row["kind"] == "incomplete":
            outcome = "cần người xem lại — manual review"
        elif rule.get("impact") in FAILING_IMPACTS:
            outcome = "không đạt — fails"
        else:
            outcome = "ghi nhận, không tính lỗi — reported, not failing"
        rows.append([row["page"]["key"], row["page"]["url"], rule["id"], rule.get("impact") or "—",
                     row["legal"]["text"], rule["node_count"], outcome])
    with_findings = {r[0] for r in rows}
    for page in obs.get("pages", []):
        if page["key"] not in with_findings:
            rows.append([page["key"], page["url"], "—", "—", "—", 0,
                         "không có phát hiện — no findings" if page.get("axe") is not None
                         else f"không quét được — not scanned: {page.get('error') or page.get('status')}"])
    return {"id": "a11y-axe", "title_vi": f"Kết quả quét axe-core (WCAG {obs.get('wcag_level')})",
            "title_en": f"axe-core findings (WCAG {obs.get('wcag_level')})",
            "columns": ["Trang — Page", "Địa chỉ — URL", "Quy tắc — Rule", "Mức ảnh hưởng — Impact",
                        "TT 32/2017 Điều 18; WCAG 2.0", "Số phần tử — Elements", "Kết quả — Outcome"],
            "rows": rows, "csv": "a11y-axe.csv"}


def focus_visible(focused: dict | None, unfocused: dict | None) -> bool:
    """A focus indicator shows: a drawn outline, or a box-shadow, border, background, colour or
    underline that differs from the element's look without the focus."""
    if not focused or not unfocused:
        return False
    outline_drawn = focused.get("outline_style") not in (None, "none", "hidden") \
        and not str(focused.get("outline_width", "0")).startswith("0")
    if outline_drawn and any(focused.get(k) != unfocused.get(k)
                             for k in ("outline_style", "outline_width", "outline_color")):
        return True
    if focused.get("box_shadow") not in (None, "none") and focused.get("box_shadow") != unfocused.get("box_shadow"):
        return True
    return any(focused.get(k) != unfocused.get(k)
               for k in ("border_color", "background_color", "color", "text_decoration"))


def keyboard(obs: dict) -> None:
    """a11y.keyboard: a working skip link on the home page; the lookup form filled and sent with the
    keyboard alone (Tab, typing, Enter); a visible focus on the skip link, the field and the button."""
    board = obs.get("keyboard") or {}
    home, lookup = board.get("home"), board.get("lookup")
    if not home or not lookup:
        raise Inconclusive("không có quan sát bàn phím — no keyboard observations")
    lines, missing = [], []
    if home.get("error"):
        missing.append(f"trang chủ (home) {home.get('url')}: {home['error']}")
    else:
        skip = home.get("skip_link") or {}
        if not skip.get("found"):
            stops = "; ".join((s or {}).get("html", "(không có — none)") for s in skip.get("tab_stops", []))
            lines.append(f"trang chủ {home.get('url')}: không có liên kết bỏ qua (đến nội dung chính) trong "
                         f"{len(skip.get('tab_stops', []))} lần Tab đầu — no skip link among the first Tab stops "
                         f"({stops})")
        else:
            link = (skip.get("link") or {}).get("html")
            if not skip.get("target_exists"):
                lines.append(f"liên kết bỏ qua {link} trỏ đến #{skip.get('target')} không tồn tại — the skip link's "
                             "target does not exist")
            elif not (skip.get("focus_in_target") or skip.get("next_tab_in_target")):
                lines.append(f"liên kết bỏ qua {link}: sau Enter, tiêu điểm không vào #{skip.get('target')} — after "
                             "Enter the focus does not move into the target")
            if not (skip.get("link") or {}).get("on_screen"):
                lines.append(f"liên kết bỏ qua {link} không hiện trên màn hình khi nhận tiêu điểm — the skip link "
                             "is not shown when focused")
            if not focus_visible(skip.get("focused_style"), skip.get("unfocused_style")):
                lines.append(f"liên kết bỏ qua {link}: không thấy tiêu điểm — no visible focus "
                             f"({skip.get('focused_style')})")
    if lookup.get("error"):
        missing.append(f"trang tra cứu (lookup) {lookup.get('url')}: {lookup['error']}")
    else:
        where = f"trang tra cứu {lookup.get('url')}"
        if lookup.get("tabs_to_field") is None:
            lines.append(f"{where}: phím Tab không đến được ô nhập mã hồ sơ — Tab never reaches the lookup field")
        elif lookup.get("typed_value") != lookup.get("code"):
            lines.append(f"{where}: gõ phím vào ô nhập được {lookup.get('typed_value')!r}, không phải "
                         f"{lookup.get('code')!r} — typing did not fill the field")
        elif lookup.get("tabs_to_submit") is None:
            lines.append(f"{where}: phím Tab không đến được nút tra cứu — Tab never reaches the lookup button")
        elif not lookup.get("submitted"):
            lines.append(f"{where}: nhấn Enter trên nút tra cứu không gửi được biểu mẫu — Enter on the button "
                         "does not send the form")
        for part in ("field", "submit"):
            if f"{part}_focused_style" in lookup and not focus_visible(lookup.get(f"{part}_focused_style"),
                                                                       lookup.get(f"{part}_unfocused_style")):
                name = "ô nhập mã hồ sơ (field)" if part == "field" else "nút tra cứu (button)"
                lines.append(f"{where}: {name} không có tiêu điểm nhìn thấy được — no visible focus")
    fail_if(lines, "Không dùng được đầy đủ bằng bàn phím — not fully usable with the keyboard alone:")
    if missing:
        raise Inconclusive("không thực hiện được phép thử bàn phím — keyboard probe not done: " + "; ".join(missing))


def mobile_width(obs: dict) -> None:
    """a11y.mobile_width: at the edition's phone width, no page looked at (the home, procedure,
    lookup and feedback pages and the pages the home page's menus link to) scrolls horizontally
    (scrollWidth <= innerWidth), and the main controls of the key pages (the forms their journeys
    fill, the procedure's heading) are visible, enabled, inside the width and not covered.
    A menu page that answers an error or is not HTML is left to navigation.crawl."""
    mobile = obs.get("mobile") or {}
    width = mobile.get("width")
    pages = require(mobile.get("pages"), "trang ở chiều rộng điện thoại (pages at phone width)")
    lines, missing = [], []
    for page in pages:
        where = f"{_where(page)} ở {width}px"
        if page.get("kind") == "menu" and (page.get("error") or page.get("status") != 200 or "scroll_width" not in page):
            continue
        if page.get("error") or page.get("status") != 200:
            missing.append(f"{where}: {page.get('error') or 'HTTP ' + str(page.get('status'))}")
            continue
        if page.get("inner_width") != width:
            missing.append(f"{where}: khung nhìn là {page.get('inner_width')}px, không phải {width}px — the viewport "
                           "was not applied")
            continue
        if page["scroll_width"] > page["inner_width"]:
            culprits = "; ".join(f"{o['html']} (right {o['right']}px)" for o in page.get("overflowing", [])[:3])
            lines.append(f"{where}: phải cuộn ngang, nội dung rộng {page['scroll_width']}px — horizontal scrolling "
                         f"(scrollWidth {page['scroll_width']} > {page['inner_width']}); rộng nhất (widest): {culprits}")
        for control in page.get("controls", []):
            if not control.get("found"):
                missing.append(f"{where}: không tìm thấy {control['name']} — control not found")
                continue
            faults = [text for ok, text in ((control.get("visible"), "không hiển thị — not visible"),
                                            (control.get("enabled"), "bị vô hiệu — disabled"),
                                            (control.get("inside_width"), f"tràn ra ngoài {width}px — outside the width"),
                                            (control.get("reachable"), "bị che, không bấm được — covered, cannot be "
                                                                       "clicked")) if not ok]
            if faults:
                lines.append(f"{where}: {control['name']} {', '.join(faults)} (box {control.get('box')})")
    kinds = {p.get("kind") for p in pages}
    missing += [f"chưa xem trang {k} — page not seen" for k in ("home", "procedure", "lookup") if k not in kinds]
    fail_if(lines, f"Không dùng tốt ở chiều rộng điện thoại {width}px — not usable at phone width {width}px:")
    if missing:
        raise Inconclusive("không đo được ở chiều rộng điện thoại — could not measure at phone width: "
                           + "; ".join(missing))


# =========================================================================== public_pages

def judged_pages(obs: dict, what: str) -> list[dict]:
    """Public pages with their facts. ERROR when a key page could not be opened; a menu page that
    answers an error or is not HTML is left to the crawl checks (navigation.crawl)."""
    pages = require(obs.get("pages"), "trang công khai (public pages)")
    _require_key_pages(obs, pages, what)
    unmeasured = [f"{_where(p)}: {p['error']}" for p in pages
                  if p.get("status") == 200 and p.get("error") and "html" in (p.get("content_type") or "html")]
    if unmeasured:
        raise Inconclusive(f"không đo được trang ({what}) — pages opened but not measured: " + "; ".join(unmeasured))
    judged = [p for p in pages if not p.get("error") and p.get("status") == 200 and "text" in p]
    return require(judged, f"trang công khai mở được ({what}) — public pages that opened")


def lang(obs: dict) -> None:
    """a11y.lang: the html element declares the page's language: "vi" on Vietnamese pages, "en" on
    the English page (a region such as vi-VN is accepted)."""
    lines = []
    for page in judged_pages(obs, "lang"):
        value = (page.get("lang") or "").strip()
        expected = page.get("expected_lang", "vi")
        if not value:
            lines.append(f"{_where(page)}: thẻ html không có thuộc tính lang — the html element has no lang attribute")
        elif not LANG_TAG.match(value):
            lines.append(f"{_where(page)}: lang={value!r} không phải mã ngôn ngữ hợp lệ — not a valid language tag")
        elif value.lower().split("-")[0] != expected:
            lines.append(f"{_where(page)}: lang={value!r}, cần {expected!r} — expected {expected!r}")
    fail_if(lines, "Trang không khai báo đúng ngôn ngữ — pages without the right language declaration:")


def _alternative(item: dict) -> str:
    for key in ("aria_label", "labelledby", "title", "svg_title"):
        if (item.get(key) or "").strip():
            return item[key].strip()
    return ""


def missing_alternatives(page: dict) -> list[str]:
    """The non-text elements of one page that have no text alternative (see alt_text)."""
    found = []
    for item in page.get("non_text", []):
        if item.get("hidden") or (item.get("role") or "").lower() in ("presentation", "none"):
            continue
        kind = item["kind"]
        if kind in ("img", "input-image", "area"):
            if item.get("alt") is None and not _alternative(item):
                found.append(f"{kind} không có alt — {kind} without alt: {item['html']}")
            elif kind != "img" and not (item.get("alt") or "").strip() and not _alternative(item):
                found.append(f"{kind} có alt rỗng — {kind} with an empty alt: {item['html']}")
        elif kind == "role-img":
            if not _alternative(item):
                found.append(f"hình (role=img) không có tên — image without a name: {item['html']}")
        elif kind in ("link", "button"):
            if not _alternative(item) and not any(a for a in item.get("image_alts", [])):
                vi, en = ("liên kết hình ảnh", "image link") if kind == "link" else ("nút biểu tượng", "icon button")
                found.append(f"{vi} không có văn bản thay thế — {en} without a text alternative: {item['html']}")
    return found


def alt_text(obs: dict) -> None:
    """a11y.alt_text: every informative image, image input, image-map area, role="img" element, and
    every link or button with no text of its own (image links, icon buttons) has a non-empty text
    alternative (alt, aria-label, aria-labelledby, title). An img with alt="" is decorative and
    passes, unless it is the only content of a link or button; aria-hidden content is left out."""
    lines = []
    for page in judged_pages(obs, "alt"):
        lines += [f"{_where(page)}: {text}" for text in missing_alternatives(page)]
    fail_if(lines, "Nội dung phi văn bản thiếu văn bản thay thế (TT 32/2017 Điều 18 điểm c; WCAG 1.1.1) — non-text content "
            "without a text alternative:")


def _moving(animation: dict) -> bool:
    properties = {re.sub(r"[^a-z]", "", p.lower()) for p in animation.get("properties", [])}
    return (animation.get("iterations") == "infinite" and animation.get("play_state") == "running"
            and bool((animation.get("text") or "").strip()) and bool(properties & MOVING_PROPERTIES))


def no_blink(obs: dict) -> None:
    """a11y.no_blink: no blink or marquee element, and no CSS or Web Animation that runs without end
    on an element with text while moving it, fading it or switching its visibility (transform,
    position, margin, text-indent, opacity, visibility, display)."""
    lines = []
    for page in judged_pages(obs, "blink"):
        for html in page.get("blinking_elements", []):
            lines.append(f"{_where(page)}: thẻ blink/marquee — blink or marquee element: {html}")
        for animation in page.get("animations", []):
            if _moving(animation):
                lines.append(f"{_where(page)}: hiệu ứng chạy mãi trên chữ — endless animation on text "
                             f"'{animation.get('name')}' ({', '.join(animation.get('properties', []))}): "
                             f"{animation.get('text')!r}")
    fail_if(lines, "Có chữ nhấp nháy hoặc tự chạy (TT 32/2017 Điều 18 điểm b; WCAG 2.2.2) — blinking or moving text:")


def parse_viewport(content: str) -> dict[str, str]:
    pairs = {}
    for part in re.split(r"[,;]", content or ""):
        if "=" in part:
            key, value = part.split("=", 1)
            pairs[key.strip().lower()] = value.strip().lower()
    return pairs


def viewport_faults(metas: list[str]) -> list[str]:
    if not metas:
        return ["không có thẻ meta viewport — no viewport meta tag"]
    settings = parse_viewport(metas[-1])  # the browser applies the last one
    faults = []
    if settings.get("width") != "device-width":
        faults.append(f"width={settings.get('width')!r}, cần device-width — width is not device-width")
    if settings.get("user-scalable") in ("no", "0"):
        faults.append("user-scalable=no chặn phóng to — zooming is disabled")
    try:
        if "maximum-scale" in settings and float(settings["maximum-scale"]) < 2:
            faults.append(f"maximum-scale={settings['maximum-scale']} chặn phóng to 200% — zoom limited below 200%")
    except ValueError:
        faults.append(f"maximum-scale={settings['maximum-scale']!r} không hợp lệ — invalid maximum-scale")
    return faults


def viewport_meta(obs: dict) -> None:
    """a11y.viewport_meta: a viewport meta tag with width=device-width that does not disable zoom
    (user-scalable=no, or maximum-scale below 2 — WCAG 1.4.4 asks for 200%, as axe's meta-viewport)."""
    lines = []
    for page in judged_pages(obs, "viewport"):
        lines += [f"{_where(page)}: {fault} ({page.get('viewport_metas')})"
                  for fault in viewport_faults(page.get("viewport_metas", []))]
    fail_if(lines, "Khai báo viewport cho thiết bị di động chưa đúng — viewport declaration missing or wrong:")


def _charset(value: str | None) -> str | None:
    found = re.search(r"charset\s*=\s*[\"']?([\w-]+)", value or "", re.I)
    return found.group(1).lower() if found else None


def encoding_faults(page: dict) -> list[str]:
    faults = []
    header = _charset(page.get("content_type"))
    metas = [(_charset(m) or (m or "").strip().lower()) for m in page.get("meta_charsets", [])]
    if header and header not in ("utf-8", "utf8"):
        faults.append(f"Content-Type khai báo charset={header} — the header declares {header}, not UTF-8")
    if not header and not metas:
        faults.append("không khai báo bộ mã (header hoặc meta charset) — no charset declared")
    if not header and metas and metas[0] not in ("utf-8", "utf8"):
        faults.append(f"meta charset={metas[0]} — the page declares {metas[0]}, not UTF-8")
    if (page.get("character_set") or "").upper() != "UTF-8":
        faults.append(f"trình duyệt đọc trang bằng bộ mã {page.get('character_set')} — the browser decoded it as "
                      f"{page.get('character_set')}")
    text = (page.get("title") or "") + "\n" + (page.get("text") or "")
    if not vietnamese.is_nfc(text):
        # escaped, so the record (written in NFC) still shows the combining marks
        faults.append("chữ tiếng Việt không ở dạng dựng sẵn NFC (TCVN 6909) — text is not in NFC, e.g. "
                      + ", ".join(ascii(w) for w in vietnamese.non_nfc_words(text, limit=5)))
    if vietnamese.looks_legacy(text):
        faults.append("có dấu hiệu bảng mã cũ TCVN3/VNI — looks like a legacy encoding (TCVN3/VNI), e.g. "
                      + ", ".join(repr(w) for w in vietnamese.legacy_suspect_words(text, limit=5)))
    fonts = vietnamese.legacy_fonts(page.get("font_families", []))
    if fonts:
        faults.append(f"dùng phông chữ của bảng mã cũ — legacy TCVN3/VNI fonts: {', '.join(fonts)}")
    return faults


def nfc(obs: dict) -> None:
    """a11y.nfc: pages declared and decoded as UTF-8; their visible text (and title) in NFC with no
    TCVN3/VNI traces (heuristic in vietnamese.py); and Vietnamese typed into the search and lookup
    forms comes back exactly as typed, in NFC (at least one of the two round trips must answer)."""
    lines = []
    for page in judged_pages(obs, "NFC"):
        lines += [f"{_where(page)}: {fault}" for fault in encoding_faults(page)]
    trips = obs.get("round_trips", [])
    echoed = []
    for trip in trips:
        echo = trip.get("echo")
        if trip.get("error") or echo is None:
            continue
        for value in echo.get("values", []):
            if not vietnamese.is_nfc(value):
                lines.append(f"{trip['where']} {trip.get('url')}: chuỗi gõ vào trả về không ở dạng NFC — the typed "
                             f"text came back decomposed: {ascii(value)}")
        if echo.get("text_non_nfc_hits"):
            lines.append(f"{trip['where']} {trip.get('url')}: trang trả lời hiện chuỗi đã gõ không ở dạng NFC "
                         f"({echo['text_non_nfc_hits']} lần) — the answer shows the typed text decomposed")
        if echo.get("values") or echo.get("text_hits") or echo.get("text_non_nfc_hits"):
            echoed.append(trip["where"])
    fail_if(lines, "Tiếng Việt chưa đúng Unicode dựng sẵn UTF-8 (TCVN 6909) — Vietnamese text not in UTF-8 NFC:")
    if not echoed:
        reasons = "; ".join(f"{t['where']}: {t.get('error') or 'không thấy chuỗi đã gõ — typed text not shown'}"
                            for t in trips) or "no round trip observed"
        raise Inconclusive("không kiểm tra được chuỗi tiếng Việt gõ vào tìm kiếm, tra cứu — the NFC round trip "
                           f"could not be observed: {reasons}")


VIETNAMESE_LETTERS = re.compile("[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE)
MIN_ENGLISH_WORDS = 30        # an English page says something: not a title and a "coming soon"
MAX_VIETNAMESE_SHARE = 0.25   # of its words, outside the parts it marks lang="vi"


def _english_content(english: dict) -> None:
    """The English page found carries English text: enough words, few of them Vietnamese."""
    text = english.get("main_text")
    if text is None:
        raise Inconclusive(f"không đọc được nội dung trang tiếng Anh {english['found']} — its text could not be read")
    words = re.findall(r"[^\W\d_]+", text)
    vietnamese = [w for w in words if VIETNAMESE_LETTERS.search(w)]
    share = len(vietnamese) / len(words) if words else 1.0
    problems = []
    if len(words) - len(vietnamese) < MIN_ENGLISH_WORDS:
        problems.append(f"chỉ có {len(words) - len(vietnamese)} từ tiếng Anh (cần ít nhất {MIN_ENGLISH_WORDS}) — only "
                        f"{len(words) - len(vietnamese)} English words, fewer than {MIN_ENGLISH_WORDS}")
    if share > MAX_VIETNAMESE_SHARE:
        problems.append(f"{round(100 * share)}% số từ là tiếng Việt, không đánh dấu lang=\"vi\" (tối đa "
                        f"{round(100 * MAX_VIETNAMESE_SHARE)}%) — {round(100 * share)}% of its words are Vietnamese "
                        f"(e.g. {' '.join(vietnamese[:8])})")
    fail_if(problems, f"Trang tiếng Anh {english['found']} khai báo lang=\"en\" nhưng không có nội dung tiếng Anh",
            "the English page is not in English")


def english_page(obs: dict) -> None:
    """a11y.english_page: from the home page, a link marked hreflang/lang="en", a link named
    English, or the /en path leads to a page answering 200 with lang="en"."""
    english = obs.get("english") or {}
    visited = english.get("visited") or []
    if english.get("found"):
        return _english_content(english)
    if visited and all(v.get("error") for v in visited):
        raise Inconclusive("không mở được địa chỉ nào để tìm trang tiếng Anh — no address could be opened: "
                           + "; ".join(f"{v.get('url')}: {v.get('error')}" for v in visited))
    tried = "; ".join(f"{v.get('url')} ({v.get('how')}): "
                      f"{v.get('error') or 'HTTP ' + str(v.get('status')) + ', lang=' + repr(v.get('lang'))}"
                      for v in visited) or "không có địa chỉ nào — none"
    raise AssertionError("Không có trang thông tin tiếng Anh trả lời 200 với lang=\"en\" — no English page answering "
                         f"200 with lang=\"en\". Đã thử — tried: {tried}")
