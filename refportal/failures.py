"""How the portal's domain says a request cannot be served: `ApiError` (status, bilingual message,
extra JSON fields) and the standard messages. Dependency-free, so every domain module can raise
them; refportal/errors.py turns them into answers (JSON under /api/, an error page elsewhere)."""
from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


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
