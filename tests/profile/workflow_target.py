"""A small workflow-engine-like target for the profile language's tests: dossiers addressed by an
internal id, a transition that needs the current step id, the version (ETag), a CSRF token from an
HTML form and the session cookie; lists by page, offset and cursor; an echo. 127.0.0.1, free port."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ITEMS = [{"code": f"HS-{n:03d}", "state": "NEW" if n % 2 else "DONE"} for n in range(1, 8)]  # 7 items
PAGE_SIZE = 3
CSRF = "tok-5e1d"


class Handler(BaseHTTPRequestHandler):
    server_version = "workflow"
    sys_version = ""

    def log_message(self, *args):
        pass

    def _send(self, status, body, ctype="application/json", headers=None):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        state = self.server.state
        if url.path == "/bo/dossiers":  # search by code → internal id
            found = [{"id": 42, "code": q["code"]}] if q.get("code") == "HS-042" else []
            return self._send(200, {"items": found})
        if url.path == "/bo/dossiers/42":
            return self._send(200, {"id": 42, "workflow": {"step": {"id": state["step"]}}, "state": state["state"]},
                              headers={"ETag": f'"v{state["version"]}"', "Set-Cookie": "SID=s-9; Path=/"})
        if url.path == "/bo/dossiers/42/form":
            return self._send(200, f'<form><input type="hidden" name="csrf" value="{CSRF}"></form>', "text/html")
        if url.path == "/list/page":
            page = int(q.get("page", "1"))
            return self._send(200, {"data": ITEMS[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]})
        if url.path == "/list/offset":
            start = int(q.get("offset", "0"))
            return self._send(200, {"data": ITEMS[start: start + PAGE_SIZE]})
        if url.path == "/list/cursor":
            start = int(q.get("after", "0"))
            rest = ITEMS[start: start + PAGE_SIZE]
            nxt = str(start + PAGE_SIZE) if start + PAGE_SIZE < len(ITEMS) else None
            return self._send(200, {"data": rest, "next": nxt})
        if url.path == "/list/all":
            return self._send(200, {"data": ITEMS})
        if url.path == "/whoami":
            return self._send(200, {"auth": self.headers.get("Authorization"), "cookie": self.headers.get("Cookie")})
        self._send(404, {"error": "not found"})

    def do_POST(self):
        url = urlparse(self.path)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
        state = self.server.state
        if url.path == "/echo":
            return self._send(200, {"got": body})
        if url.path == "/bo/dossiers/42/transitions":
            problems = []
            if body.get("step_id") != state["step"]:
                problems.append("step")
            if self.headers.get("If-Match") != f'"v{state["version"]}"':
                problems.append("version")
            if self.headers.get("X-CSRF") != CSRF:
                problems.append("csrf")
            if "SID=s-9" not in (self.headers.get("Cookie") or ""):
                problems.append("cookie")
            if problems:
                return self._send(409, {"refused": problems})
            state.update(state="RECEIVED", step="s8", version=state["version"] + 1)
            return self._send(200, {"state": state["state"]})
        self._send(404, {"error": "not found"})


class WorkflowTarget:
    def __enter__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.state = {"state": "NEW", "step": "s7", "version": 3}
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        return self

    def reset(self):
        self.server.state.update(state="NEW", step="s7", version=3)

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
