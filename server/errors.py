"""The one catalogue of API errors, and the handlers that turn them into JSON responses."""

import logging
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from server.extensions import db
from server.records.plausible import MESSAGES as PLAUSIBLE_MESSAGES
from server.records.plausible import CodedMessage

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
    "TARGET_OUTSIDE_CONDUCTING_UNIT": (
        422,
        "Đơn vị được kiểm tra, giám sát phải thuộc phạm vi của đơn vị tiến hành.",
        "An inspected unit must lie within the conducting unit's scope.",
    ),
    # Criteria sets and evaluations (DOMAIN.md §2.6).
    "CRITERIA_SET_SUPERSEDED": (
        409,
        "Bộ tiêu chí này đã có phiên bản mới; phiên bản cũ chỉ để xem. Vui lòng chấm theo "
        "phiên bản mới.",
        "This criteria set has a newer version; the old one is read only. Please use the new "
        "version.",
    ),
    "CRITERIA_SET_NOT_APPLICABLE": (
        422,
        "Bộ tiêu chí không áp dụng cho loại mô hình, điển hình này.",
        "The criteria set does not apply to this kind of model or exemplar.",
    ),
    "EVALUATOR_NOT_ABOVE": (
        422,
        "Đơn vị đánh giá phải là cấp trên của đơn vị quản lý mô hình (hoặc chính đơn vị đó nếu "
        "bộ tiêu chí cho phép tự đánh giá).",
        "The evaluating unit must be above the model's owner unit (or that unit itself when the "
        "criteria set allows self-evaluation).",
    ),
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
    # The pre-2025 units import (server/units/legacy.py): details.rows lists each bad row's
    # line, code, column and reason (a code of legacy.REASONS) with its message.
    "LEGACY_IMPORT_INVALID": (
        422,
        "Tệp đơn vị cũ có dòng không hợp lệ; chưa nhập đơn vị nào.",
        "The legacy units file has bad rows; nothing was imported.",
    ),
    "DATABASE_UNAVAILABLE": (
        503,
        "Máy chủ tạm thời không truy cập được cơ sở dữ liệu.",
        "The server cannot reach its database right now.",
    ),
    # Administration: people, phones and one-time codes.
    "ONE_TIME_CODE_INVALID": (
        400,
        "Mã không đúng. Vui lòng kiểm tra lại từng ký tự.",
        "The code is not valid. Check each character again.",
    ),
    "ONE_TIME_CODE_USED": (
        409,
        "Mã này đã được dùng. Vui lòng xin quản trị viên một mã mới.",
        "This code was already used. Ask an administrator for a new one.",
    ),
    "ONE_TIME_CODE_EXPIRED": (
        410,
        "Mã đã hết hạn. Vui lòng xin quản trị viên một mã mới.",
        "The code has expired. Ask an administrator for a new one.",
    ),
    "PASSWORD_WRONG": (
        403,
        "Mật khẩu hiện tại không đúng.",
        "The current password is wrong.",
    ),
    "CANNOT_DEACTIVATE_SELF": (
        409,
        "Bạn không thể tự khóa tài khoản của mình.",
        "You cannot deactivate your own account.",
    ),
    "LAST_NATIONAL_ADMIN": (
        409,
        "Đây là quản trị viên toàn quốc cuối cùng: cần ít nhất một người quản trị ở cấp "
        "Trung ương.",
        "This is the last national administrator: at least one must remain at the root.",
    ),
    # Photos and documents (PROTOCOL.md §12). FILE_TOO_LARGE is a field code (below).
    "FILE_NOT_DECLARED": (
        422,
        "Bản ghi không khai báo tệp này.",
        "The record does not declare this file.",
    ),
    "FILE_RECORD_UNKNOWN": (
        404,
        "Máy chủ chưa có bản ghi của tệp này. Hãy đồng bộ bản ghi trước.",
        "The server has no such record yet. Sync the record first.",
    ),
    "FILE_CHUNK_HASH": (
        422,
        "Phần tệp bị hỏng khi truyền (mã băm không khớp). Hãy gửi lại phần này.",
        "The chunk was damaged in transit (hash mismatch). Send it again.",
    ),
    "FILE_CHUNK_RANGE": (
        422,
        "Phần tệp không đúng vị trí hoặc độ dài.",
        "The chunk index or length is wrong.",
    ),
    "FILE_HASH_MISMATCH": (
        422,
        "Tệp ghép lại không khớp mã băm đã khai báo; tệp đã bị loại bỏ.",
        "The assembled file does not match its declared hash; it was discarded.",
    ),
    "FILE_TYPE_MISMATCH": (
        422,
        "Nội dung tệp không đúng loại đã khai báo (chỉ nhận ảnh JPEG, PNG, WebP hoặc PDF).",
        "The file's content is not its declared type (only JPEG, PNG, WebP or PDF).",
    ),
    "IMAGE_TOO_LARGE": (
        422,
        "Ảnh có quá nhiều điểm ảnh. Hãy chụp lại hoặc thu nhỏ ảnh.",
        "The image has too many pixels. Take it again or make it smaller.",
    ),
    "FILE_NOT_FOUND": (404, "Máy chủ chưa nhận đủ tệp này.", "The server does not hold this file."),
    "FILE_RANGE_NOT_SATISFIABLE": (
        416,
        "Đoạn tệp yêu cầu nằm ngoài tệp.",
        "The requested range lies outside the file.",
    ),
    "MINUTES_REQUIRED": (
        409,
        "Đơn vị yêu cầu biên bản: cần nhận được tệp biên bản trước khi duyệt.",
        "The unit requires the minutes: a minutes file must be received before approval.",
    ),
    "INTERNAL": (
        500,
        "Lỗi máy chủ. Vui lòng thử lại sau.",
        "Server error. Please try again later.",
    ),
    # Sealed exports from phones that can no longer sync (PROTOCOL.md §9).
    "EXPORT_INVALID": (
        422,
        "Tệp xuất không đúng định dạng.",
        "The export file is not in the expected format.",
    ),
    "EXPORT_WRONG_SERVER": (
        422,
        "Tệp xuất này được mã hóa cho máy chủ khác.",
        "This export file was sealed for another server.",
    ),
    "EXPORT_TAMPERED": (
        422,
        "Tệp xuất đã bị thay đổi hoặc hỏng; không áp dụng gì.",
        "The export file was altered or is damaged; nothing was applied.",
    ),
    "IMPORT_OUT_OF_SCOPE": (
        403,
        "Người dùng của tệp này không thuộc đơn vị bạn quản lý.",
        "This file's user is outside the units you administer.",
    ),
    # Field-level codes of implausible values, inside VALIDATION_FAILED (details.codes); the
    # message states the range, its bounds filled in when the record is checked.
    **{code: (422, vi, en) for code, (vi, en) in PLAUSIBLE_MESSAGES.items()},
}


LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


def request_language() -> str:
    """Return the language the caller asked for with Accept-Language: vi unless en is preferred.

    Only the edges call this (the error handlers, the sync route): services raise codes and
    details, and the message is rendered in this language where the response is built.
    """
    try:
        return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)
    except RuntimeError:  # outside a request
        return DEFAULT_LANGUAGE


def message_for(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Return the catalogue message for a code in a language."""
    _, vi, en = CATALOGUE[code]
    return en if lang == "en" else vi


class ApiError(Exception):
    """An error from the catalogue, with optional structured details.

    The message is rendered in the caller's language when the response is built; `message`
    replaces the catalogue's only when given. With `localise_fields`, the messages in
    `details["fields"]` are marshmallow's (English) and are translated then too.
    """

    def __init__(
        self,
        code: str,
        details: dict | None = None,
        message: str | None = None,
        *,
        localise_fields: bool = False,
    ):
        if code not in CATALOGUE:
            raise KeyError(f"unknown error code {code}")
        super().__init__(code)
        self.code = code
        self.status = CATALOGUE[code][0]
        self.details = details or {}
        self.message = message
        self.localise_fields = localise_fields

    def body(self, lang: str) -> dict:
        """Return the error envelope in a language."""
        details = localised_details(self.details, lang) if self.localise_fields else self.details
        return {
            "error": {
                "code": self.code,
                "message": self.message or message_for(self.code, lang),
                "details": details,
            }
        }

    def to_response(self, lang: str) -> tuple[Response, int]:
        """Render the error envelope as a JSON response in a language."""
        response = jsonify(self.body(lang))
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
    "A unit cannot be its own successor.": "Đơn vị không thể kế thừa chính nó",
    "A former unit needs its end date.": "Đơn vị cũ cần có ngày kết thúc",
    "Only a unit that has ended has successors.": ("Chỉ đơn vị đã kết thúc mới có đơn vị kế thừa"),
    "The user is outside your scope.": "Người dùng không thuộc phạm vi của bạn",
    "Unknown role.": "Vai trò không hợp lệ",
    "At least one role is needed.": "Cần ít nhất một vai trò",
    "The password needs at least 8 characters.": "Mật khẩu cần ít nhất 8 ký tự",
    # Recognitions and inspections (server/records/rules.py).
    "This level does not go with this stage.": (
        "Cấp này không công nhận hay chọn tiêu biểu: cấp toàn quốc chỉ biểu dương, khen thưởng"
    ),
    "This form is not given at this level.": "Hình thức này không do cấp này trao tặng",
    "This form is a commendation: use the stage Khen or Đề nghị khen.": (
        "Hình thức này là khen thưởng: chọn bước “Khen thưởng” hoặc “Đề nghị khen”"
    ),
    "The follow-up date must not be before the start date.": (
        "Hạn khắc phục không được trước ngày bắt đầu"
    ),
    "The unit is outside the conducting unit's scope.": (
        "Đơn vị không thuộc phạm vi của đơn vị tiến hành kiểm tra, giám sát"
    ),
}

# marshmallow's messages for a range with both bounds; checked before the one-bound forms.
_LENGTH_BETWEEN = re.compile(r"Length must be between (\S+) and (\S+)\.")
_RANGE_BETWEEN = re.compile(
    r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\."
)


def localised_fields(messages: Any, lang: str) -> Any:
    """Return marshmallow's field messages in a language (they are English as raised)."""
    if isinstance(messages, CodedMessage):
        return str(messages) if lang == "en" else messages.vietnamese()
    if isinstance(messages, dict):
        return {k: localised_fields(v, lang) for k, v in messages.items()}
    if isinstance(messages, list):
        return [localised_fields(m, lang) for m in messages]
    if lang == "en":
        return messages
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


def localised_details(details: dict, lang: str) -> dict:
    """Return error details with the messages of `fields` in a language."""
    if "fields" not in details:
        return details
    return {**details, "fields": localised_fields(details["fields"], lang)}


def localise_rejection(code: str, details: dict, lang: str) -> tuple[str, dict]:
    """Return the message and details of a rejected sync mutation in a language (§3.4)."""
    return message_for(code, lang), localised_details(details, lang)


def validation_error(err: ValidationError) -> ApiError:
    """Turn a marshmallow error into the catalogue's VALIDATION_FAILED."""
    messages = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
    details: dict = {"fields": messages}
    if codes := dict(_codes(messages, "")):
        details["codes"] = codes
    return ApiError("VALIDATION_FAILED", details, localise_fields=True)


def _codes(messages: Any, path: str) -> Iterator[tuple[str, str]]:
    """Yield (dotted field path, code) for each coded message, e.g. ("metrics.0.value", ...)."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _codes(value, f"{path}.{key}" if path else str(key))
    elif isinstance(messages, list):
        for message in messages:
            if isinstance(message, CodedMessage):
                yield path, message.code


def field_error(code: str, messages: dict) -> ApiError:
    """Return a catalogue error whose details name the fields at fault, like a validation error."""
    return ApiError(code, {"fields": messages}, localise_fields=True)


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
    def _api_error(err: ApiError) -> tuple[Response, int]:
        db.session.rollback()
        return err.to_response(request_language())

    @app.errorhandler(ValidationError)
    def _validation(err: ValidationError) -> tuple[Response, int]:
        db.session.rollback()
        return validation_error(err).to_response(request_language())

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> HTTPException | tuple[Response, int]:
        db.session.rollback()
        code = HTTP_CODES.get(err.code or 500)
        if code is None:
            return err
        if code == "METHOD_NOT_ALLOWED" and _only_the_app_shell_matches(request.path):
            # The PWA's catch-all GET route matches every path; no API endpoint lives here.
            code = "NOT_FOUND"
        return ApiError(code).to_response(request_language())

    @app.errorhandler(OperationalError)
    def _database_unavailable(err: OperationalError) -> tuple[Response, int]:
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
        return ApiError("DATABASE_UNAVAILABLE").to_response(request_language())

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> tuple[Response, int]:
        db.session.rollback()
        if current_app.testing and not current_app.config.get("SWALLOW_ERRORS"):
            # Bugs must fail tests instead of hiding behind a generic 500.
            raise err
        log.exception("unhandled error on %s %s", request.method, request.path)
        return ApiError("INTERNAL").to_response(request_language())
