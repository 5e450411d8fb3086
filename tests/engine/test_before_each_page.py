"""The profile's before_each_page: a cookie banner or first-visit modal is dismissed on every page the
browser opens, by a probe's own navigation (accessibility's `visit`) as by a journey's goto; a page
without it costs no wait. A real Chromium on a loopback server."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from harness.browser import JourneyRun, before_each_page, context_arguments
from suites.accessibility.pages import visit

pytestmark = pytest.mark.browser

BANNER = """<!doctype html><html lang="vi"><body><main><h1>Cổng dịch vụ công</h1><a href="/tra-cuu">Tra cứu</a></main>
<div role="dialog" aria-label="Cookie" id="banner">Trang dùng cookie.
<button onclick="document.getElementById('banner').remove()">Đồng ý</button></div></body></html>"""
PLAIN = '<!doctype html><html lang="vi"><body><h1>Không có thông báo</h1></body></html>'


class Pages(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = (PLAIN if self.path == "/plain" else BANNER).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def page(browser):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(**context_arguments({}))
    page = context.new_page()
    page.base = f"http://127.0.0.1:{server.server_address[1]}"
    page._dokiem_profile = profile(page.base)
    yield page
    context.close()
    server.shutdown()
    server.server_close()


def profile(base: str, steps=({"click": {"role": "button", "name": "Đồng ý"}},)):
    return SimpleNamespace(data={"before_each_page": list(steps)}, test_data={}, limits={"step_timeout_ms": 5000},
                           base_url=lambda name: base)


def test_a_probes_navigation_dismisses_the_banner(page):
    assert visit(page, page.base + "/", 10000)["status"] == 200
    assert page.locator("#banner").count() == 0


def test_a_journeys_goto_dismisses_the_banner(page):
    JourneyRun(page, page._dokiem_profile).run_steps("x", [{"goto": "/"}, {"click": {"role": "link", "name": "Tra cứu"}}])
    assert page.url.endswith("/tra-cuu")


def test_a_page_without_the_banner_costs_no_wait_and_no_profile_changes_nothing(page, monkeypatch):
    from harness import browser

    waited = []
    monkeypatch.setattr(browser, "_visible", lambda locator: waited.append(locator) or True)
    page.goto(page.base + "/plain")
    assert before_each_page(page) == [] and waited == []  # absent: never waited for
    monkeypatch.undo()
    page.goto(page.base + "/")
    assert before_each_page(page, SimpleNamespace(data={}, test_data={})) == []
    assert page.locator("#banner").count() == 1
