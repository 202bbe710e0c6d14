"""The periodic report (báo cáo 6 tháng, năm, sơ kết, tổng kết): outline, tables, a draft of II.3.

The document follows DOMAIN.md §4's usual outline. The app writes only what the data says: the
appendix of tables and a draft of section II.3 ("Xây dựng, nhân rộng mô hình"); every other
section is left for the officers' own narrative. ``docx_writer`` turns it into a .docx file.

The appendix is built from ``APPENDIX``, a list of table builders: a new table is one line
there, and the section it names then cites it.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from server.reports import commendations, effectiveness, inspections, lists, summaries
from server.reports.formats import vn_number, vn_percent
from server.reports.queries import FIELD_KEYS
from server.reports.service import ReportArgs
from server.reports.tables import Report

Builder = Callable[[Session, ReportArgs], Report]
STAGES = ("so_ket", "tong_ket")
# The appendix prints at most this many models of R3; the full list is R3's own export.
LIST_LIMIT = 300
# II.3 cites at most this many example models, and names this many leading units.
EXAMPLES, LEADING_UNITS = 5, 3
OWN_TEXT = "(Phần này do đơn vị viết.)"


@dataclass(frozen=True)
class AppendixTable:
    """One table of the appendix: its code, the outline section that cites it, its builder."""

    code: str
    section: str
    build: Builder
    # A list prints only its first rows: a province's R3 runs to thousands.
    row_limit: int | None = None


APPENDIX: list[AppendixTable] = [
    AppendixTable("R1", "II.3", summaries.model_summary),
    AppendixTable("R2", "II.3", effectiveness.registered_vs_effective),
    AppendixTable("R3", "II.3", lists.model_list, row_limit=LIST_LIMIT),
    AppendixTable("R4", "II.5", summaries.meeting_summary),
    AppendixTable("R5", "II.4", inspections.inspection_report),
    AppendixTable("R6", "II.5", commendations.commendation_report),
]
# Tables an outline section expects that the system cannot produce yet: the document says so
# in their place, and a table leaves this list by joining APPENDIX. Empty since R5 and R6.
PLANNED: dict[str, tuple[str, str]] = {}


@dataclass
class Section:
    """A heading of the outline and its paragraphs (none: the officers write it)."""

    number: str
    title: str
    level: int = 1
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    # The appendix tables it cites, and those it would cite that the system cannot build yet.
    tables: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


@dataclass
class PeriodicReport:
    """Everything the .docx holds."""

    args: ReportArgs
    title: str
    subtitle: str
    sections: list[Section]
    tables: list[Report]

    def filename(self) -> str:
        """Return an ASCII file name for the download."""
        return self.tables[0].filename("docx").replace("bao-cao-r1-", "bao-cao-dinh-ky-")


def default_stage(args: ReportArgs) -> str | None:
    """Return the stage a phase's report is: tổng kết once it has ended, else sơ kết."""
    if args.period.kind != "GIAI_DOAN":
        return None
    return "tong_ket" if args.period.end < args.today else "so_ket"


def _titles(args: ReportArgs, stage: str | None) -> tuple[str, str]:
    label = args.period.label
    period = label[0].lower() + label[1:]
    movement = "phong trào thi đua “Dân vận khéo”"
    if stage == "tong_ket":
        return "BÁO CÁO TỔNG KẾT", f"{movement} {period}"
    if stage == "so_ket":
        return "BÁO CÁO SƠ KẾT", f"{movement} {period}"
    return "BÁO CÁO", f"Kết quả thực hiện {movement} {period}"


def _tables(session: Session, args: ReportArgs) -> list[Report]:
    built = []
    for table in APPENDIX:
        table_args = dataclasses.replace(args, by="owner", field=None, kind=None, page=1)
        if table.row_limit:
            table_args = dataclasses.replace(table_args, export=False, per_page=table.row_limit)
        else:
            table_args = dataclasses.replace(table_args, export=True)
        report = table.build(session, table_args)
        if table.row_limit and report.total_rows > len(report.rows):
            report.notes.append(
                f"Phụ lục in {vn_number(len(report.rows))} trong số "
                f"{vn_number(report.total_rows)} mô hình, điển hình; danh sách đầy đủ: xuất biểu "
                f"{report.code} ra Excel."
            )
        built.append(report)
    return built


def _cited(section: str) -> list[str]:
    return [table.code for table in APPENDIX if table.section == section]


def _pending(section: str) -> list[str]:
    built = {table.code for table in APPENDIX}
    return [
        f"Biểu {code} ({name.lower()})"
        for code, (cited_in, name) in PLANNED.items()
        if cited_in == section and code not in built
    ]


def _model_paragraphs(r1: Report, r2: Report) -> list[str]:
    unit, totals = r1.unit.name, r1.totals or {}
    period = r1.period.label[0].lower() + r1.period.label[1:]
    total = totals.get("total", 0)
    if not total:
        return [f"Trong {period}, {unit} chưa ghi nhận mô hình, điển hình “Dân vận khéo” nào."]
    fields = ", ".join(
        f"{label} {vn_number(totals[key])}"
        for label, key in zip(
            ("kinh tế", "văn hóa - xã hội", "quốc phòng - an ninh", "xây dựng hệ thống chính trị"),
            FIELD_KEYS.values(),
            strict=True,
        )
    )
    text = (
        f"Trong {period}, {unit} có {vn_number(total)} mô hình, điển hình “Dân vận khéo” "
        f"({vn_number(totals['tap_the'])} tập thể, {vn_number(totals['ca_nhan'])} cá nhân); "
        f"theo lĩnh vực: {fields}. Xây dựng mới {vn_number(totals['xay_dung_moi'])}, duy trì "
        f"{vn_number(totals['duy_tri'])}, nhân rộng {vn_number(totals['nhan_rong'])}"
    )
    if totals.get("tam_dung"):
        text += f"; {vn_number(totals['tam_dung'])} mô hình tạm dừng"
    change, previous = totals.get("tang_giam"), r1.previous_period
    before = previous.label[0].lower() + previous.label[1:] if previous else "cùng kỳ"
    if change is None:
        text += f". {before[0].upper()}{before[1:]} chưa có số liệu để so sánh."
    elif change:
        text += f"; {'tăng' if change > 0 else 'giảm'} {vn_number(abs(change))} so với {before}."
    else:
        text += f"; bằng {before}."
    paragraphs = [text]
    effective = r2.totals or (r2.rows[0] if len(r2.rows) == 1 else None)
    if effective and effective["dang_ky"]:
        paragraphs.append(
            f"Số mô hình đăng ký xây dựng: {vn_number(effective['dang_ky'])}; số mô hình triển "
            f"khai hiệu quả: {vn_number(effective['hieu_qua'])}, đạt "
            f"{vn_percent(effective['ty_le'])}%."
        )
    leading = sorted((r for r in r1.rows if r["total"]), key=lambda r: -r["total"])
    if len(r1.rows) > 1 and leading:
        names = ", ".join(
            f"{r['unit_name']} ({vn_number(r['total'])})" for r in leading[:LEADING_UNITS]
        )
        paragraphs.append(f"Các đơn vị có nhiều mô hình, điển hình: {names}.")
    return paragraphs


def _examples(r3: Report) -> list[str]:
    """Pick example models for II.3: one per field first, those with results before others."""
    ranked = sorted(r3.rows, key=lambda row: (not row["ket_qua"], row["stt"]))
    picked, fields = [], set()
    for row in ranked:
        if row["linh_vuc"] not in fields:
            fields.add(row["linh_vuc"])
            picked.append(row)
    picked += [row for row in ranked if row not in picked]
    lines = []
    for row in picked[:EXAMPLES]:
        place = f"; {row['dia_ban']}" if row["dia_ban"] else ""
        line = f"“{row['ten']}” ({row['linh_vuc'].lower()}{place})"
        lines.append(f"{line}: {row['ket_qua']}." if row["ket_qua"] else f"{line}.")
    return lines


def _section_ii3(tables: dict[str, Report]) -> Section:
    section = Section("3", "Xây dựng, nhân rộng mô hình", level=2, tables=_cited("II.3"))
    section.paragraphs = _model_paragraphs(tables["R1"], tables["R2"])
    examples = _examples(tables["R3"])
    if examples:
        section.paragraphs.append("Một số mô hình, điển hình tiêu biểu:")
        section.bullets = examples
    return section


def _outline(tables: dict[str, Report], stage: str | None) -> list[Section]:
    def own(number: str, title: str, section: str, level: int = 2) -> Section:
        return Section(
            number, title, level=level, tables=_cited(section), pending=_pending(section)
        )

    sections = [
        Section("I", "Đặc điểm tình hình"),
        Section("II", "Kết quả thực hiện"),
        own("1", "Lãnh đạo, chỉ đạo, ban hành văn bản", "II.1"),
        own("2", "Tuyên truyền", "II.2"),
        _section_ii3(tables),
        own("4", "Kiểm tra, giám sát", "II.4"),
        own("5", "Sơ kết, tổng kết, biểu dương, khen thưởng", "II.5"),
        Section("III", "Hạn chế, nguyên nhân"),
    ]
    # Lessons learnt belong to a sơ kết or tổng kết only (DOMAIN.md §4).
    tail = ["Phương hướng, nhiệm vụ kỳ tới", "Kiến nghị, đề xuất"]
    if stage:
        tail.insert(0, "Bài học kinh nghiệm")
    numerals = ("IV", "V", "VI")
    sections += [Section(numerals[i], title) for i, title in enumerate(tail)]
    return sections


def build(session: Session, args: ReportArgs, stage: str | None = None) -> PeriodicReport:
    """Assemble the periodic report of a unit for a period."""
    stage = stage or default_stage(args)
    built = _tables(session, args)
    tables = {report.code: report for report in built}
    title, subtitle = _titles(args, stage)
    return PeriodicReport(
        args=args,
        title=title,
        subtitle=subtitle,
        sections=_outline(tables, stage),
        tables=built,
    )
