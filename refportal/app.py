"""The FastAPI application: API, pages, static files, security headers and error handling."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from refportal import __version__, access, defects, errors, failures, security
from refportal.api import router as api_router
from refportal.context import Context
from refportal.pages import account, backoffice, dossier_pages, files, public
from refportal.pages.render import redirect

STATIC = Path(__file__).resolve().parent / "static"

DESCRIPTION = """REST JSON API của Cổng Dịch vụ công và Hệ thống một cửa điện tử tham chiếu (refportal).
Xác thực: `POST /api/auth/login`, rồi `Authorization: Bearer <token>`.
Hợp đồng đầy đủ: refportal/API.md. — The reference portal's REST API; see refportal/API.md."""


def create_app(ctx: Context) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if ctx.sync is not None:
            ctx.sync.start()
        if ctx.notifier is not None:
            ctx.notifier.start()
        yield
        conn = ctx.connect()
        try:
            access.flush(conn)  # the page views counted since the last write
        finally:
            conn.close()
        if ctx.sync is not None:
            ctx.sync.stop()
        if ctx.notifier is not None:
            ctx.notifier.stop()

    app = FastAPI(title="refportal — Cổng Dịch vụ công tỉnh An Bình", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.ctx = ctx
    errors.install(app)

    @app.exception_handler(dossier_pages.LoginRequired)
    async def login_required(request: Request, exc: dossier_pages.LoginRequired):
        return redirect(request, "/dang-nhap?next=" + quote(str(exc.args[0]), safe="/"))

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        return {"status": "ok"}

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_document():
        if defects.on("no-openapi"):
            raise failures.ApiError(404, failures.MESSAGES[404])  # DEFECT: no published API description
        return app.openapi()

    app.include_router(api_router)
    if ctx.settings.test_control:
        from refportal import testcontrol

        app.include_router(testcontrol.router)
    for module in (public, account, dossier_pages, backoffice, files):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    form_targets = ()
    if ctx.settings.national_portal:  # the pay button's redirect leaves for the payment platform
        parts = urlsplit(ctx.settings.national_portal)
        form_targets = (f"{parts.scheme}://{parts.netloc}",)
    app.add_middleware(access.AccessCounterMiddleware, ctx=ctx)
    app.add_middleware(security.SecurityHeadersMiddleware, https=ctx.settings.https, form_targets=form_targets)
    return app
