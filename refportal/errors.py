"""The handlers that answer a failed request without internals: JSON {"error": ...} under /api/,
a Vietnamese error page elsewhere; never a stack trace, a framework name or a version. What can
fail (`ApiError`, the standard messages) lives in refportal/failures.py, which the domain imports."""
from __future__ import annotations

import logging
import platform
import traceback

import fastapi
import starlette
import uvicorn
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from refportal import defects, styles
from refportal.failures import MESSAGES, ApiError
from refportal.pages.render import render_error

log = logging.getLogger("refportal")


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/_test/"):  # JSON only where test control exists; otherwise an unknown path like any
        return request.app.state.ctx.settings.test_control
    return path.startswith("/api/") or path in ("/openapi.json", "/healthz")


def _internals(exc: BaseException) -> tuple[str, dict]:
    """What defect stack-trace leaks: the traceback, the framework and server versions."""
    versions = (f"uvicorn/{uvicorn.__version__} starlette/{starlette.__version__} fastapi/{fastapi.__version__} "
                f"Python/{platform.python_version()}")
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return f"\n{trace}\n{versions}", {"server": f"uvicorn/{uvicorn.__version__}",
                                        "x-powered-by": f"FastAPI/{fastapi.__version__}"}


def _answer(request: Request, status: int, message: str, extra: dict | None = None, headers=None,
            exc: BaseException | None = None):
    if exc is not None and defects.on("stack-trace"):
        leaked, leaked_headers = _internals(exc)  # DEFECT: internals on every error
        message, headers = message + leaked, {**(headers or {}), **leaked_headers}
    if _wants_json(request):
        if styles.on("envelope") and request.url.path.startswith("/api/") and 400 <= status < 500:
            # the vendor style: every refusal is HTTP 200 with the outcome in the body
            return JSONResponse({"success": False, "code": status, "message": message, **(extra or {})},
                                status_code=200, headers=headers)
        return JSONResponse({"error": message, **(extra or {})}, status_code=status, headers=headers)
    page = render_error(request, status, message)
    page.headers.update(headers or {})
    return page


async def api_error(request: Request, exc: ApiError):
    return _answer(request, exc.status, exc.message, exc.extra, exc=exc)


async def http_error(request: Request, exc: StarletteHTTPException):
    message = MESSAGES.get(exc.status_code, MESSAGES[400])
    if isinstance(exc.detail, str) and exc.detail and exc.status_code not in (404, 405) and exc.status_code < 500:
        message = exc.detail
    return _answer(request, exc.status_code, message, headers=getattr(exc, "headers", None), exc=exc)


async def validation_error(request: Request, exc: RequestValidationError):
    fields = []
    for problem in exc.errors():
        location = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
        fields.append({"field": location, "problem": str(problem.get("msg", ""))})
    return _answer(request, 422, MESSAGES[422], {"fields": fields}, exc=exc)


async def unexpected_error(request: Request, exc: Exception):
    log.exception("lỗi không lường trước khi xử lý %s %s", request.method, request.url.path)
    return _answer(request, 500, MESSAGES[500], exc=exc)


def install(app) -> None:
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)
