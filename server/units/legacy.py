"""Import the pre-2025 unit structure (provinces, districts, communes) with successor links.

The input is a CSV file (format: docs/UNITS_LEGACY.md, sample: docs/samples/units-legacy.csv),
one legacy unit a row. The whole file is checked before anything is written: any bad row and
the import writes nothing, answering every bad row with a stable reason code. A good file is
written in one transaction. Running it again changes nothing: a row equal to its unit is left
alone, and neither the unit's change_seq nor the audit trail moves.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from server import changes, enums
from server.actor import Actor
from server.audit import record_event
from server.errors import ApiError
from server.models import Unit
from server.units.moves import carry_subtree
from server.units.service import UNKNOWN_UNIT, place, refresh_search

COLUMNS = (
    "code",
    "name",
    "level",
    "admin_kind",
    "parent_code",
    "valid_from",
    "valid_to",
    "successor_codes",
    "admin_code",
)
REQUIRED = ("code", "name", "level", "parent_code", "valid_to")
# Control characters: PostgreSQL cannot store NUL, and none belongs in a unit's name or code.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
MAX_ROWS = 20_000  # the whole country before 2025 is ~11,400 units
MAX_CODE, MAX_NAME, MAX_ADMIN_CODE = 32, 255, 16
MAX_ERRORS = 200  # bad rows listed in one answer: enough to fix a file in a few passes
# The reasons a row is refused: code -> (Vietnamese, English).
REASONS: dict[str, tuple[str, str]] = {
    "MISSING_COLUMN": ("Thiếu cột bắt buộc", "A required column is missing"),
    "MISSING_VALUE": ("Thiếu giá trị bắt buộc", "A required value is missing"),
    "MISSING_END_DATE": (
        "Đơn vị cũ phải có ngày kết thúc (valid_to)",
        "A legacy unit needs an end date (valid_to)",
    ),
    "BAD_DATE": ("Ngày không hợp lệ (yyyy-mm-dd hoặc dd/mm/yyyy)", "Not a valid date"),
    "END_BEFORE_START": ("Ngày kết thúc trước ngày bắt đầu", "The end is before the start"),
    "BAD_LEVEL": ("Cấp đơn vị không hợp lệ", "Not a unit level"),
    "BAD_ADMIN_KIND": ("Loại đơn vị hành chính không hợp lệ", "Not an administrative kind"),
    "TOO_LONG": ("Giá trị quá dài", "The value is too long"),
    "DUPLICATE_CODE": ("Mã đơn vị lặp lại trong tệp", "The code appears twice in the file"),
    "SUCCESSOR_IS_SELF": ("Đơn vị không thể kế thừa chính nó", "A unit cannot succeed itself"),
    "UNKNOWN_PARENT": ("Không tìm thấy đơn vị cấp trên", "The parent unit does not exist"),
    "UNKNOWN_SUCCESSOR": ("Không tìm thấy đơn vị kế thừa", "The successor unit does not exist"),
    "PARENT_CYCLE": ("Đơn vị cấp trên tạo thành vòng lặp", "The parents form a cycle"),
    "OUT_OF_SCOPE": ("Đơn vị không thuộc phạm vi của bạn", "The unit is outside your scope"),
    "CURRENT_UNIT": (
        "Mã này là của một đơn vị đang hoạt động, không nhập làm đơn vị cũ",
        "The code is a current unit's; it is not imported as a legacy unit",
    ),
    "TOO_MANY_ROWS": ("Tệp có quá nhiều dòng", "The file has too many rows"),
    "BAD_CHARACTER": (
        "Chứa ký tự điều khiển không lưu được",
        "Contains a control character that cannot be stored",
    ),
    "BAD_CSV": ("Không đọc được tệp CSV từ dòng này", "The CSV file cannot be read from here"),
}


@dataclass
class LegacyRow:
    """One parsed row of the file."""

    line: int
    code: str
    name: str
    level: str
    admin_kind: str | None
    parent_code: str
    valid_from: date | None
    valid_to: date
    successor_codes: list[str]
    admin_code: str | None


@dataclass
class LegacyResult:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # rows outside the province asked for


@dataclass
class _Check:
    errors: list[dict] = field(default_factory=list)

    def add(self, line: int, code: str | None, column: str | None, reason: str) -> None:
        self.errors.append({"line": line, "code": code, "column": column, "reason": reason})


def with_messages(error: ApiError, lang: str) -> ApiError:
    """Add each bad row's message, in a language, to a LEGACY_IMPORT_INVALID error."""
    for row in error.details.get("rows", []):
        vi, en = REASONS[row["reason"]]
        row["message"] = en if lang == "en" else vi
    return error


def _date(text: str) -> date:
    """Read yyyy-mm-dd, or dd/mm/yyyy as a spreadsheet in Vietnamese writes it."""
    if match := VN_DATE.fullmatch(text):
        return date(int(match[3]), int(match[2]), int(match[1]))
    return date.fromisoformat(text)


def parse(text: str, check: _Check) -> list[LegacyRow]:
    """Read the CSV text into rows, noting every bad value in check."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [name for name in REQUIRED if name not in header]
    for name in missing:
        check.add(1, None, name, "MISSING_COLUMN")
    if missing:
        return []
    rows: list[LegacyRow] = []
    seen: set[str | None] = set()
    line = 1
    try:
        for line, raw in enumerate(reader, start=2):
            if line - 1 > MAX_ROWS:
                check.add(line, None, None, "TOO_MANY_ROWS")
                break
            values = {k: (v or "").strip() for k, v in raw.items() if k in COLUMNS}
            code = values.get("code") or None
            if not any(values.values()):
                continue  # a blank line
            row = _row(line, code, values, check)
            if code and code in seen:
                check.add(line, code, "code", "DUPLICATE_CODE")
            seen.add(code)
            if row is not None:
                rows.append(row)
    except csv.Error:
        # A field past the csv module's size limit, or an unterminated quote at the end.
        check.add(line + 1, None, None, "BAD_CSV")
    return rows


def _row(line: int, code: str | None, values: dict[str, str], check: _Check) -> LegacyRow | None:
    before = len(check.errors)
    for name, value in values.items():
        if CONTROL.search(value):
            check.add(line, code, name, "BAD_CHARACTER")
    for name in REQUIRED:
        if not values.get(name):
            check.add(
                line, code, name, "MISSING_END_DATE" if name == "valid_to" else "MISSING_VALUE"
            )
    limits = {"code": MAX_CODE, "parent_code": MAX_CODE, "name": MAX_NAME}
    limits["admin_code"] = MAX_ADMIN_CODE
    for name, limit in limits.items():
        if len(values.get(name, "")) > limit:
            check.add(line, code, name, "TOO_LONG")
    level, kind = values.get("level", ""), values.get("admin_kind") or None
    if level and level not in enums.UNIT_LEVEL:
        check.add(line, code, "level", "BAD_LEVEL")
    if kind and kind not in enums.ADMIN_KIND:
        check.add(line, code, "admin_kind", "BAD_ADMIN_KIND")
    dates: dict[str, date | None] = {}
    for name in ("valid_from", "valid_to"):
        try:
            dates[name] = _date(values[name]) if values.get(name) else None
        except ValueError:
            check.add(line, code, name, "BAD_DATE")
            dates[name] = None
    start, end = dates["valid_from"], dates["valid_to"]
    if start and end and end < start:
        check.add(line, code, "valid_to", "END_BEFORE_START")
    successors = [s for s in values.get("successor_codes", "").replace(";", " ").split() if s]
    if code and code in successors:
        check.add(line, code, "successor_codes", "SUCCESSOR_IS_SELF")
    if len(check.errors) > before or code is None or end is None:
        return None
    return LegacyRow(
        line=line,
        code=code,
        name=values["name"],
        level=level,
        admin_kind=kind,
        parent_code=values["parent_code"],
        valid_from=start,
        valid_to=end,
        successor_codes=list(dict.fromkeys(successors)),
        admin_code=values.get("admin_code") or None,
    )


def _in_province(rows: list[LegacyRow], province: str, known: dict[str, Unit]) -> set[str]:
    """Return the codes of the rows that lie in a province (by the file's parents or the tree)."""
    by_code = {row.code: row for row in rows}
    target = known.get(province)
    kept = set()
    for row in rows:
        code, hops = row.code, 0
        while code in by_code and code != province and hops <= len(by_code):
            code, hops = by_code[code].parent_code, hops + 1
        unit = known.get(code)
        if code == province or (target and unit and unit.path.startswith(target.path)):
            kept.add(row.code)
    return kept


def _resolve(
    session: Session, rows: list[LegacyRow], check: _Check, scope: str | None
) -> dict[str, Unit]:
    """Load the units the rows name, and check parents, successors, cycles and scope."""
    codes = {row.code for row in rows}
    named = codes | {row.parent_code for row in rows}
    named |= {code for row in rows for code in row.successor_codes}
    known = {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(named)))}

    def visible(unit: Unit) -> bool:
        return scope is None or unit.path.startswith(scope)

    by_code = {row.code: row for row in rows}
    for row in rows:
        existing = known.get(row.code)
        if existing is not None and existing.valid_to is None:
            check.add(row.line, row.code, "code", "CURRENT_UNIT")
        elif existing is not None and not visible(existing):
            check.add(row.line, row.code, "code", "OUT_OF_SCOPE")
        parent = known.get(row.parent_code)
        if row.parent_code not in by_code and parent is None:
            check.add(row.line, row.code, "parent_code", "UNKNOWN_PARENT")
        elif row.parent_code not in by_code and parent is not None and not visible(parent):
            check.add(row.line, row.code, "parent_code", "OUT_OF_SCOPE")
        for code in row.successor_codes:
            successor = known.get(code)
            if code not in by_code and successor is None:
                check.add(row.line, row.code, "successor_codes", "UNKNOWN_SUCCESSOR")
            elif code not in by_code and successor is not None and not visible(successor):
                check.add(row.line, row.code, "successor_codes", "OUT_OF_SCOPE")
        # A chain of parents inside the file must end outside it.
        seen, code = {row.code}, row.parent_code
        while code in by_code:
            if code in seen:
                check.add(row.line, row.code, "parent_code", "PARENT_CYCLE")
                break
            seen.add(code)
            code = by_code[code].parent_code
    return known


def _order(rows: list[LegacyRow]) -> list[LegacyRow]:
    """Return the rows with every parent before its children."""
    by_code = {row.code: row for row in rows}
    done: dict[str, LegacyRow] = {}

    def visit(row: LegacyRow) -> None:
        if row.code in done:
            return
        parent = by_code.get(row.parent_code)
        if parent is not None:
            visit(parent)
        done[row.code] = row

    for row in rows:
        visit(row)
    return list(done.values())


def _wanted(row: LegacyRow) -> dict:
    return {
        "name": row.name,
        "level": row.level,
        "admin_kind": row.admin_kind,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "admin_code": row.admin_code,
    }


def import_legacy(
    session: Session,
    text: str,
    *,
    actor: Actor | None,
    scope: str | None = None,
    province: str | None = None,
) -> LegacyResult:
    """Create or update the legacy units a CSV file lists; all of it or, on a bad row, nothing.

    ``scope`` is the path of the importing administrator's unit (None: the whole tree);
    ``province`` keeps only the rows inside the unit with that code.
    """
    check = _Check()
    rows = parse(text, check)
    result = LegacyResult()
    if province and not check.errors:
        known = {u.code: u for u in session.scalars(select(Unit).where(Unit.code == province))}
        if not known and province not in {row.code for row in rows}:
            raise ApiError(
                "VALIDATION_FAILED", {"fields": {"province": [UNKNOWN_UNIT]}}, localise_fields=True
            )
        kept = _in_province(rows, province, known)
        result.skipped = len(rows) - len(kept)
        rows = [row for row in rows if row.code in kept]
    known = _resolve(session, rows, check, scope) if not check.errors else {}
    if check.errors:
        raise ApiError("LEGACY_IMPORT_INVALID", {"rows": check.errors[:MAX_ERRORS]})
    try:
        touched = _write(session, _order(rows), known, result)
        if touched:
            changes.stamp(session, touched)
            record_event(
                session,
                actor,
                table="units",
                record_id="legacy",
                action="import",
                after={
                    "created": result.created,
                    "updated": result.updated,
                    "codes": sorted(u.code for u in touched)[:500],
                },
            )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return result


def _write(
    session: Session, rows: list[LegacyRow], known: dict[str, Unit], result: LegacyResult
) -> list[Unit]:
    touched: dict[int, Unit] = {}
    for row in rows:
        parent = known[row.parent_code]
        unit = known.get(row.code)
        wanted = _wanted(row)
        if unit is None:
            unit = Unit(code=row.code, aliases=[], **wanted)
            session.add(unit)
            for moved in place(session, unit, parent):
                touched[moved.id] = moved
            known[row.code] = unit
            result.created += 1
            refresh_search(unit)
            continue
        changed = any(getattr(unit, key) != value for key, value in wanted.items())
        if unit.parent_id != parent.id:
            old_parent = unit.parent
            for moved in place(session, unit, parent):
                touched[moved.id] = moved
            carry_subtree(session, unit, old_parent)
            changed = True
        if changed:
            for key, value in wanted.items():
                setattr(unit, key, value)
            refresh_search(unit)
            touched[unit.id] = unit
            result.updated += 1
    # Successors last: a row may name a unit the file creates further down.
    for row in rows:
        unit = known[row.code]
        successors = [known[code] for code in row.successor_codes]
        # Reports follow the lowest id among several successors, so order does not matter.
        if {s.id for s in unit.successors} != {s.id for s in successors}:
            unit.successors = successors
            if unit.id not in touched:
                result.updated += 1
            touched[unit.id] = unit
    result.unchanged = len(rows) - result.created - result.updated
    return list(touched.values())
