"""Access statistics of the portal's pages (visits per day, most viewed pages): counted in memory
by a middleware and written to the database in batches (every FLUSH_S seconds at the next visit,
when the report is read, and at shutdown), so a page view never waits for a database write."""
from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

from refportal import clock, db

FLUSH_S = 30.0
SKIPPED = ("/api/", "/static/", "/_test/", "/healthz", "/openapi.json", "/tep/", "/bieu-mau/", "/favicon")

_lock = threading.Lock()
_pending: Counter = Counter()
_last_flush = time.monotonic()


def counted(path: str) -> bool:
    return not path.startswith(SKIPPED)


def record(path: str) -> bool:
    """Count one page view; True when it is time to write the counts down."""
    with _lock:
        _pending[(clock.now().date().isoformat(), path[:300])] += 1
        return time.monotonic() - _last_flush > FLUSH_S


def flush(conn) -> None:
    global _last_flush
    with _lock:
        batch = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not batch:
        return
    with db.transaction(conn):
        for (day, path), n in batch.items():
            conn.execute("INSERT INTO page_views(day, path, count) VALUES (?,?,?) ON CONFLICT(day, path) "
                         "DO UPDATE SET count = count + excluded.count", (day, path, n))


def report(conn, days: int = 30, top: int = 20) -> dict:
    flush(conn)
    since = (clock.now().date() - timedelta(days=days - 1)).isoformat()
    by_day = [{"day": r["day"], "views": r["views"]} for r in conn.execute(
        "SELECT day, sum(count) AS views FROM page_views WHERE day >= ? GROUP BY day ORDER BY day", (since,))]
    pages = [{"path": r["path"], "views": r["views"]} for r in conn.execute(
        "SELECT path, sum(count) AS views FROM page_views WHERE day >= ? GROUP BY path ORDER BY views DESC, path "
        "LIMIT ?", (since, top))]
    return {"days": days, "since": since, "total": sum(d["views"] for d in by_day), "by_day": by_day,
            "top_pages": pages}


class AccessCounterMiddleware:
    """Counts successful GETs of HTML pages (not the API, files or health checks)."""

    def __init__(self, app, ctx):
        self.app, self.ctx = app, ctx

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET" or not counted(scope.get("path", "")):
            return await self.app(scope, receive, send)
        ok = False

        async def watch(message):
            nonlocal ok
            if message["type"] == "http.response.start":
                ok = message["status"] == 200
            await send(message)

        await self.app(scope, receive, watch)
        if ok and record(scope["path"]):
            conn = self.ctx.connect()
            try:
                flush(conn)
            finally:
                conn.close()
