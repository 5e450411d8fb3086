"""Errors a request can end with, and the handlers that answer them without internals:
JSON {"error": ...} under /api/, a Vietnamese error page elsewhere; never a stack trace, a
framework name or a version."""
from __future__ import annotations

import logging
import platform
import traceback

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("refportal")


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def not_found(what: str = "Không tìm thấy — not found") -> ApiError:
    return ApiError(404, what)


MESSAGES = {
    400: "Yêu cầu không hợp lệ — bad request",
    401: "Cần đăng nhập — login required",
    403: "Không có quyền thực hiện — forbidden",
    404: "Không tìm thấy trang hoặc dữ liệu yêu cầu — not found",
    405: "Phương thức không được hỗ trợ — method not allowed",
    409: "Thao tác không hợp lệ ở trạng thái hiện tại — conflict",
    413: "Tệp quá lớn — file too large",
    422: "Dữ liệu gửi lên không hợp lệ — invalid input",
    423: "Tài khoản tạm khóa — account locked",
    500: "Hệ thống gặp lỗi, vui lòng thử lại sau — internal error",
    502: "Hệ thống liên kết không phản hồi đúng — upstream error",
}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/_test/"):  # JSON only where test control exists; otherwise an unknown path like any
        return request.app.state.ctx.settings.test_control
    return path.startswith("/api/") or path in ("/openapi.json", "/healthz")


def _page(request: Request, status: int, message: str):
    from refportal.pages.render import render_error  # pages import FastAPI bits; keep errors light

    return render_error(request, status, message)


def _internals(exc: BaseException) -> tuple[str, dict]:
    """What defect stack-trace leaks: the traceback, the framework and server versions."""
    import fastapi
    import starlette
    import uvicorn

    versions = (f"uvicorn/{uvicorn.__version__} starlette/{starlette.__version__} fastapi/{fastapi.__version__} "
                f"Python/{platform.python_version()}")
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return f"\n{trace}\n{versions}", {"server": f"uvicorn/{uvicorn.__version__}",
                                        "x-powered-by": f"FastAPI/{fastapi.__version__}"}


def _answer(request: Request, status: int, message: str, extra: dict | None = None, headers=None,
            exc: BaseException | None = None):
    from refportal import defects

    if exc is not None and defects.on("stack-trace"):
        leaked, leaked_headers = _internals(exc)  # DEFECT: internals on every error
        message, headers = message + leaked, {**(headers or {}), **leaked_headers}
    if _wants_json(request):
        return JSONResponse({"error": message, **(extra or {})}, status_code=status, headers=headers)
    page = _page(request, status, message)
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
