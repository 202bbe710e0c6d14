"""What every report is made of, whatever it is exported to: a header, columns, rows, notes."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from server.models import Unit
from server.reports.periods import Period

RECORDS_LABEL = {
    "approved": "Chỉ tính bản ghi đã duyệt",
    "all": "Tính mọi bản ghi chưa hủy (kể cả bản nháp, chờ duyệt, bị trả lại)",
}
BOUNDARIES_LABEL = {
    "new": "Theo địa giới hành chính mới (từ 01/07/2025)",
    "old": "Theo địa giới hành chính cũ",
}
GROUPED_LABEL = {
    "owner": "Tính theo đơn vị quản lý",
    "commune": "Tính theo địa bàn thực hiện",
}
GROUPED_NOTE = {
    "owner": "Tính theo đơn vị quản lý: mỗi mô hình, điển hình được tính cho đơn vị quản lý "
    "(trường “Đơn vị quản lý” của biểu mẫu), dù thực hiện ở địa bàn nào.",
    "commune": "Tính theo địa bàn thực hiện: mỗi mô hình, điển hình được tính cho xã, phường "
    "nơi thực hiện (trường “Địa bàn thực hiện”); chỉ tính mô hình thuộc phạm vi quản lý của "
    "người lập báo cáo.",
}
TOTAL_LABEL = "Tổng cộng"


@dataclass(frozen=True)
class Column:
    """One column: its key in the rows, its Vietnamese heading, the kind of value it holds."""

    key: str
    label: str
    kind: str = "int"  # stt, int, signed, percent, text, date, datetime
    width: int = 11  # characters, for spreadsheets


@dataclass
class Report:
    """A report ready to dump as JSON or write as XLSX, CSV or a printable page."""

    code: str  # R1, R2, R3, R4, R4_DS, R5, R6, R7
    title: str
    unit: Unit
    period: Period
    records: str
    boundaries: str
    as_of: date
    generated_at: datetime
    columns: list[Column]
    rows: list[dict]
    totals: dict | None = None
    notes: list[str] = field(default_factory=list)
    previous_period: Period | None = None
    counted_by: str | None = None
    # R1 and R3: whether a model counts for its managing unit (owner) or its commune.
    grouped_by: str | None = None
    total_rows: int = 0
    page: int = 1
    per_page: int = 0
    # R3 and R6: models per recognition stage (recognised → exemplary → proposed → commended).
    funnel: list[dict] | None = None

    @property
    def scope_line(self) -> str:
        """Return the line under the header that says what the numbers include."""
        line = f"{RECORDS_LABEL[self.records]}. {BOUNDARIES_LABEL[self.boundaries]}."
        if self.grouped_by:
            line += f" {GROUPED_LABEL[self.grouped_by]}."
        return line

    def filename(self, extension: str) -> str:
        """Return an ASCII file name for a download of this report."""
        period = self.period.code or f"{self.period.start:%Y%m%d}-{self.period.end:%Y%m%d}"
        unit = re.sub(r"[^A-Za-z0-9_-]", "_", self.unit.code)
        return f"bao-cao-{self.code.lower()}-{unit}-{period}.{extension}"
