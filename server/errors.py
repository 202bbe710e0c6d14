"""The one catalogue of API errors, and the handlers that turn them into JSON responses."""

import logging
import re
import sqlite3

from flask import Flask, current_app, jsonify, request
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from server.extensions import db

log = logging.getLogger(__name__)

# code -> (HTTP status, Vietnamese message, English message). Codes are stable: clients and
# phones months old branch on them. Messages may be reworded.
CATALOGUE: dict[str, tuple[int, str, str]] = {
    "MALFORMED_JSON": (
        400,
        "Dữ liệu gửi lên không phải JSON hợp lệ.",
        "The body is not valid JSON.",
    ),
    "MALFORMED_BODY": (400, "Không đọc được dữ liệu gửi lên.", "The request body cannot be read."),
    "VALIDATION_FAILED": (422, "Dữ liệu không hợp lệ.", "The data is not valid."),
    "UNAUTHENTICATED": (401, "Vui lòng đăng nhập.", "Please sign in."),
    "TOKEN_INVALID": (
        401,
        "Phiên đăng nhập không hợp lệ hoặc đã bị thu hồi. Vui lòng đăng nhập lại.",
        "The session is invalid or was revoked. Please sign in again.",
    ),
    "LOGIN_FAILED": (
        401,
        "Tên đăng nhập hoặc mật khẩu không đúng.",
        "Wrong username or password.",
    ),
    "LOGIN_RATE_LIMITED": (
        429,
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.",
        "Too many failed sign-ins. Please try again in a few minutes.",
    ),
    "SIGN_IN_BUSY": (
        429,
        "Máy chủ đang bận xử lý đăng nhập. Vui lòng thử lại sau giây lát.",
        "The server is busy with other sign-ins. Please try again in a moment.",
    ),
    "FORBIDDEN": (403, "Bạn không có quyền thực hiện thao tác này.", "You may not do this."),
    "REVIEW_OWN_WORK": (
        403,
        "Bạn đã sửa bản ghi này sau khi được gửi duyệt nên không thể tự duyệt hoặc trả lại. "
        "Cần một người duyệt khác quyết định.",
        "You edited this record after it was submitted, so you may not approve or return it. "
        "Another reviewer must decide.",
    ),
    "NOT_FOUND": (404, "Không tìm thấy.", "Not found."),
    "METHOD_NOT_ALLOWED": (405, "Phương thức không được hỗ trợ.", "Method not allowed."),
    "VERSION_MISMATCH": (
        409,
        "Bản ghi đã được người khác sửa. Vui lòng tải lại.",
        "The record was changed by someone else. Please reload.",
    ),
    "RECORD_LOCKED": (
        409,
        "Bản ghi đã được duyệt, không thể sửa.",
        "The record is approved and locked against edits.",
    ),
    "INVALID_TRANSITION": (
        409,
        "Không thể chuyển trạng thái duyệt như yêu cầu.",
        "This review transition is not allowed.",
    ),
    "RECORD_DELETED": (
        409,
        "Bản ghi đã bị xóa trên máy chủ.",
        "The record was deleted on the server.",
    ),
    "RECORD_CHANGED": (
        409,
        "Bản ghi đã được người khác sửa sau lần bạn tải về, nên chưa bị xóa. Vui lòng xem lại.",
        "The record was changed by someone else since you loaded it, so it was not deleted. "
        "Please review it.",
    ),
    "SEQ_GAP": (
        409,
        "Thứ tự thay đổi gửi lên bị đứt quãng.",
        "The mutation sequence has a gap.",
    ),
    "UNKNOWN_TABLE": (
        422,
        "Bảng dữ liệu không được đồng bộ.",
        "This table is not synced.",
    ),
    "AWAITING_LOWER_LEVEL": (
        409,
        "Bản ghi đang chờ cấp dưới duyệt trước.",
        "A lower level must approve the record first.",
    ),
    "DUPLICATE": (409, "Đã tồn tại.", "Already exists."),
    "PAYLOAD_TOO_LARGE": (
        413,
        "Dữ liệu gửi lên quá lớn.",
        "The request body is too large.",
    ),
    "UNSUPPORTED_MEDIA_TYPE": (
        415,
        "Định dạng dữ liệu không được hỗ trợ.",
        "Unsupported content type or encoding.",
    ),
    "PROTOCOL_UNSUPPORTED": (
        400,
        "Phiên bản ứng dụng quá cũ. Vui lòng cập nhật ứng dụng.",
        "This app version is no longer supported. Please update the app.",
    ),
    "REPORT_TOO_LARGE": (
        422,
        "Báo cáo quá lớn để xuất tệp. Vui lòng thu hẹp kỳ báo cáo hoặc đơn vị.",
        "The report is too large to export. Narrow the period or the unit.",
    ),
    "DATABASE_UNAVAILABLE": (
        503,
        "Máy chủ tạm thời không truy cập được cơ sở dữ liệu.",
        "The server cannot reach its database right now.",
    ),
    "INTERNAL": (
        500,
        "Lỗi máy chủ. Vui lòng thử lại sau.",
        "Server error. Please try again later.",
    ),
}


def wants_english() -> bool:
    """Tell whether the caller asked for English messages."""
    try:
        best = request.accept_languages.best_match(["vi", "en"], default="vi")
    except RuntimeError:  # outside a request
        return False
    return best == "en"


def message_for(code: str) -> str:
    """Return the catalogue message for a code in the caller's language."""
    _, vi, en = CATALOGUE[code]
    return en if wants_english() else vi


class ApiError(Exception):
    """An error from the catalogue, with optional structured details."""

    def __init__(self, code: str, details: dict | None = None, message: str | None = None):
        if code not in CATALOGUE:
            raise KeyError(f"unknown error code {code}")
        super().__init__(code)
        self.code = code
        self.status = CATALOGUE[code][0]
        self.details = details or {}
        self.message = message

    def to_response(self):
        """Render the error envelope."""
        body = {
            "error": {
                "code": self.code,
                "message": self.message or message_for(self.code),
                "details": self.details,
            }
        }
        response = jsonify(body)
        if "retry_after_seconds" in self.details:
            response.headers["Retry-After"] = str(self.details["retry_after_seconds"])
        return response, self.status


# Field-level messages for marshmallow's standard errors, so details read in Vietnamese.
FIELD_MESSAGES_VI = {
    "Missing data for required field.": "Trường bắt buộc (*)",
    "Unknown field.": "Trường không được phép",
    "Not a valid string.": "Phải là chuỗi ký tự",
    "Not a valid integer.": "Phải là số nguyên",
    "Not a valid number.": "Phải là số",
    "Not a valid boolean.": "Phải là đúng/sai",
    "Not a valid date.": "Ngày không hợp lệ (yyyy-mm-dd)",
    "Not a valid datetime.": "Thời gian không hợp lệ",
    "Not a valid list.": "Phải là danh sách",
    "Not a valid mapping type.": "Phải là đối tượng",
    "Field may not be null.": "Không được để trống",
    "Not a valid UUID.": "Mã định danh (UUID) không hợp lệ",
    "Must be a UUID in lower case, 8-4-4-4-12 hex digits, and not nil.": (
        "Mã định danh phải là UUID viết thường dạng 8-4-4-4-12, khác UUID rỗng"
    ),
    "Invalid input type.": "Kiểu dữ liệu không hợp lệ",
    "Number too large.": "Số quá lớn",
    "String does not match expected pattern.": "Không đúng định dạng",
    "Expected a JSON object.": "Phải là một đối tượng JSON",
    "Contains a character that cannot be stored.": "Chứa ký tự không lưu được",
    "Contains an invisible control character.": (
        "Chứa ký tự điều khiển ẩn; hãy xóa đoạn đó và gõ lại"
    ),
    "The unit is outside your scope.": "Đơn vị không thuộc phạm vi của bạn",
    "The unit does not exist.": "Đơn vị không tồn tại",
    "The record does not exist or is outside your scope.": (
        "Bản ghi không tồn tại hoặc không thuộc phạm vi của bạn"
    ),
    "A unit cannot move under itself or its own descendant.": (
        "Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó"
    ),
    "The end must be after the start.": "Ngày kết thúc phải sau ngày bắt đầu",
    "At least one connection point is needed.": "Cần ít nhất một điểm cầu",
    "At least one chair is needed.": "Cần ít nhất một người chủ trì",
    "Unknown report period.": "Kỳ báo cáo không hợp lệ",
    "Give either a period or dates, not both.": (
        "Chỉ chọn kỳ báo cáo hoặc khoảng ngày, không chọn cả hai"
    ),
    "Give both date_from and date_to.": "Cần nhập cả Từ ngày và Đến ngày",
    "The end date must not be before the start date.": (
        "Ngày kết thúc không được trước ngày bắt đầu"
    ),
}

# marshmallow's messages for a range with both bounds; checked before the one-bound forms.
_LENGTH_BETWEEN = re.compile(r"Length must be between (\S+) and (\S+)\.")
_RANGE_BETWEEN = re.compile(
    r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\."
)


def _translate(messages):
    if wants_english():
        return messages
    if isinstance(messages, dict):
        return {k: _translate(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [_translate(m) for m in messages]
    if isinstance(messages, str):
        if messages in FIELD_MESSAGES_VI:
            return FIELD_MESSAGES_VI[messages]
        if match := _LENGTH_BETWEEN.fullmatch(messages):
            return "Độ dài phải từ {} đến {} ký tự".format(*match.groups())
        if match := _RANGE_BETWEEN.fullmatch(messages):
            return "Phải từ {} đến {}".format(*match.groups())
        if messages.startswith("Must be one of"):
            return "Giá trị không thuộc danh mục cho phép: " + messages.split(":", 1)[-1].strip()
        if messages.startswith("Longer than maximum length"):
            return "Quá dài: tối đa " + messages.rsplit(" ", 1)[-1].rstrip(".") + " ký tự"
        if messages.startswith("Must be greater than or equal to"):
            return "Phải lớn hơn hoặc bằng " + messages.rsplit(" ", 1)[-1].rstrip(".")
        if messages.startswith("Must be less than or equal to"):
            return "Phải nhỏ hơn hoặc bằng " + messages.rsplit(" ", 1)[-1].rstrip(".")
        if messages.startswith("Length must be between"):
            return "Độ dài không hợp lệ"
        if messages.startswith("Shorter than minimum length"):
            return "Quá ngắn"
    return messages


def validation_error(err: ValidationError) -> ApiError:
    """Turn a marshmallow error into the catalogue's VALIDATION_FAILED."""
    messages = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
    return ApiError("VALIDATION_FAILED", {"fields": _translate(messages)})


def field_error(code: str, messages: dict) -> ApiError:
    """Return a catalogue error whose details name the fields at fault, like a validation error."""
    return ApiError(code, {"fields": _translate(messages)})


HTTP_CODES = {
    400: "MALFORMED_BODY",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def _sqlite_unavailable(err: sqlite3.OperationalError) -> bool:
    message = str(err)
    return "database is locked" in message or "unable to open database" in message


def _only_the_app_shell_matches(path: str) -> bool:
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return False
    return endpoint == "web.asset"


def register_error_handlers(app: Flask) -> None:
    """Route every error through the catalogue's envelope."""

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        db.session.rollback()
        return err.to_response()

    @app.errorhandler(ValidationError)
    def _validation(err: ValidationError):
        db.session.rollback()
        return validation_error(err).to_response()

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        db.session.rollback()
        code = HTTP_CODES.get(err.code or 500)
        if code is None:
            return err
        if code == "METHOD_NOT_ALLOWED" and _only_the_app_shell_matches(request.path):
            # The PWA's catch-all GET route matches every path; no API endpoint lives here.
            code = "NOT_FOUND"
        return ApiError(code).to_response()

    @app.errorhandler(OperationalError)
    def _database_unavailable(err: OperationalError):
        # The database is down, unreachable or locked past the busy timeout: a temporary
        # condition the phone should retry, not a server bug. SQLite also reports SQL mistakes
        # as OperationalError; those stay bugs.
        if isinstance(err.orig, sqlite3.OperationalError) and not _sqlite_unavailable(err.orig):
            return _unexpected(err)
        try:
            db.session.rollback()
        except SQLAlchemyError:
            log.debug("rollback failed on an unusable connection", exc_info=True)
        log.warning("database unavailable on %s %s: %s", request.method, request.path, err)
        return ApiError("DATABASE_UNAVAILABLE").to_response()

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        db.session.rollback()
        if current_app.testing and not current_app.config.get("SWALLOW_ERRORS"):
            # Bugs must fail tests instead of hiding behind a generic 500.
            raise err
        log.exception("unhandled error on %s %s", request.method, request.path)
        return ApiError("INTERNAL").to_response()
