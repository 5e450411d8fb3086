"""Tiny HTML pages for the page-level probes: one good page, and variants with one fault each.

Served to Chromium through Playwright's request routing (no server, no network), under
https://fixture.a11y.test/.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import parse_qs, urlsplit

BASE = "https://fixture.a11y.test"
ICON = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='10'%3E"
        "%3Crect width='10' height='10'/%3E%3C/svg%3E")
TEXT = "Nhập mã hồ sơ in trên Giấy tiếp nhận để tra cứu tình trạng giải quyết, không cần đăng nhập."

GOOD = f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tra cứu hồ sơ — Cổng Dịch vụ công thử nghiệm</title>
<style>
  body {{ margin: 0; font-family: Arial, sans-serif; color: #1a1a1a; background: #fff; }}
  .skip {{ position: absolute; left: 8px; top: -40px; background: #fff; }}
  .skip:focus {{ top: 8px; }}
  :focus-visible {{ outline: 3px solid #b35c00; }}
  main {{ padding: 8px; }}
  input {{ display: block; width: 100%; max-width: 30rem; box-sizing: border-box; }}
  /*EXTRA-CSS*/
</style>
</head>
<body>
<a class="skip" href="#noi-dung">Bỏ qua, đến nội dung chính</a>
<header>
  <img src="{ICON}" alt="Biểu trưng tỉnh thử nghiệm" width="40" height="40">
  <nav aria-label="Điều hướng chính"><a href="/">Trang chủ</a> <a href="/en" lang="en">English</a></nav>
</header>
<main id="noi-dung" tabindex="-1">
  <h1>Tra cứu hồ sơ</h1>
  <p>{TEXT}</p>
  <form action="/tra-loi" method="get">
    <label for="ma">Mã hồ sơ</label>
    <input id="ma" name="ma" type="text">
    <button type="submit">Tra cứu</button>
  </form>
  <p><a href="/in"><img src="{ICON}" alt="In trang này" width="10" height="10"></a>
     <button type="button" aria-label="Đóng thông báo"><svg aria-hidden="true" width="10" height="10"></svg></button>
     <img src="{ICON}" alt="" width="10" height="10"></p>
  <!--EXTRA-HTML-->
</main>
</body>
</html>
"""

# one fault each: (what to replace, replacement)
FAULTS = {
    "no_lang": ('<html lang="vi">', "<html>"),
    "image_without_alt": ('alt="Biểu trưng tỉnh thử nghiệm" ', ""),
    "image_link_without_alt": ('alt="In trang này"', 'alt=""'),
    "icon_button_without_name": (' aria-label="Đóng thông báo"', ""),
    "marquee": ("<!--EXTRA-HTML-->", "<marquee>Thông báo: hệ thống bảo trì</marquee>"),
    "moving_text": ("<!--EXTRA-HTML-->", '<p class="tin">Tin nổi bật trong tuần</p>'),
    "no_viewport": ('<meta name="viewport" content="width=device-width, initial-scale=1">', ""),
    "zoom_disabled": ('content="width=device-width, initial-scale=1"',
                      'content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no"'),
    "nfd_text": (TEXT, unicodedata.normalize("NFD", TEXT)),
    "tcvn3_text": ("<!--EXTRA-HTML-->", "<p>Céng hßa x· héi chñ nghÜa ViÖt Nam — §éc lËp, Tù do, H¹nh phóc</p>"),
    "legacy_font": ("/*EXTRA-CSS*/", "p { font-family: '.VnTime', serif; }"),
    "too_wide": ("<!--EXTRA-HTML-->", '<table style="width: 900px"><tr><td>Bảng thống kê rộng</td></tr></table>'),
    "covered_field": ("<!--EXTRA-HTML-->",
                      '<div style="position: fixed; inset: 0; background: rgba(0, 0, 0, 0.02)">Quảng cáo</div>'),
    "no_skip_link": ('<a class="skip" href="#noi-dung">Bỏ qua, đến nội dung chính</a>', ""),
    "no_focus_style": ("/*EXTRA-CSS*/", "*:focus, *:focus-visible { outline: none !important; }"),
    "low_contrast": ("/*EXTRA-CSS*/", "p { color: #c8c8c8; }"),
    "script_error": ("<!--EXTRA-HTML-->", "<script>window.addEventListener('load', () => traCuuHoSo());</script>"),
    "missing_stylesheet": ("</title>", '</title>\n<link rel="stylesheet" href="/static/giao-dien.css">'),
}
MOVING_CSS = (".tin { animation: chay 4s linear infinite; } "
              "@keyframes chay { from { transform: translateX(100%); } to { transform: translateX(-100%); } }")


def html(fault: str | None = None) -> str:
    page = GOOD
    if fault == "moving_text":
        page = page.replace("/*EXTRA-CSS*/", MOVING_CSS)
    if fault is not None:
        old, new = FAULTS[fault]
        assert old in page, fault
        # added content keeps the placeholder, where the answer page puts its alert
        page = page.replace(old, new + old if old == "<!--EXTRA-HTML-->" else new)
    return page


def serve(page, fault: str | None = None, content_type: str = "text/html; charset=utf-8",
          answer_form: str = "NFC") -> None:
    """Route every request under BASE to the fixture: the page itself, and /tra-loi, which shows the
    submitted code back (in `answer_form`)."""
    def handle(route) -> None:
        url = urlsplit(route.request.url)
        if url.path.startswith("/static/"):
            route.fulfill(status=404, content_type="text/plain", body=b"not found")
        elif url.path == "/tra-loi":
            code = unicodedata.normalize(answer_form, parse_qs(url.query).get("ma", [""])[0])
            body = html(fault).replace("<!--EXTRA-HTML-->", f'<p role="alert">Không tìm thấy hồ sơ “{code}”.</p>')
            body = body.replace('name="ma" type="text"', f'name="ma" type="text" value="{code}"')
            route.fulfill(status=200, content_type=content_type, body=body.encode("utf-8"))
        else:
            route.fulfill(status=200, content_type=content_type, body=html(fault).encode("utf-8"))

    page.route(f"{BASE}/**", handle)
