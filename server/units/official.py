"""Import the official 2025 administrative units from the vietnam-provinces package."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from vietnam_provinces import Province, VietNamDivisionType, Ward
from vietnam_provinces import __data_version__ as DATA_VERSION  # noqa: N812

from server import changes
from server.audit import record_event
from server.models import Unit
from server.units.moves import carry_subtree
from server.units.service import REFORM_DATE, ensure_root, refresh_search, rewrite_descendants

PROVINCE_KIND = {
    VietNamDivisionType.TINH: "TINH",
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: "THANH_PHO_TW",
}
COMMUNE_KIND = {
    VietNamDivisionType.XA: "XA",
    VietNamDivisionType.PHUONG: "PHUONG",
    VietNamDivisionType.DAC_KHU: "DAC_KHU",
}


def province_code(code: int) -> str:
    """Return the unit code of a province: its two-digit GSO code."""
    return f"{int(code):02d}"


def commune_code(code: int) -> str:
    """Return the unit code of a commune: its five-digit GSO code."""
    return f"{int(code):05d}"


@dataclass
class ImportResult:
    """Counts of what an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    provinces: int = 0
    communes: int = 0
    data_version: str = DATA_VERSION


def import_official_units(session: Session) -> ImportResult:
    """Create or update the 34 provinces and 3,321 communes; safe to run again."""
    result = ImportResult()
    root = ensure_root(session)
    existing = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.admin_code.is_not(None)))
    }
    touched: list[Unit] = []
    # Existing units the official data puts under another parent: unit, old parent, old path.
    moved: list[tuple[Unit, Unit | None, str]] = []

    def upsert(code: str, admin_code: str, name: str, level: str, kind: str, parent: Unit) -> Unit:
        unit = existing.get(code)
        wanted = {"name": name, "level": level, "admin_kind": kind, "admin_code": admin_code}
        if unit is None:
            unit = Unit(
                code=code,
                valid_from=REFORM_DATE,
                aliases=[],
                approves_records=level == "TINH",
                **wanted,
            )
            unit.parent = parent
            session.add(unit)
            result.created += 1
            touched.append(unit)
            existing[code] = unit
        elif any(getattr(unit, k) != v for k, v in wanted.items()) or unit.parent_id != parent.id:
            if unit.name != name and unit.name not in (unit.aliases or []):
                unit.aliases = [*(unit.aliases or []), unit.name]  # keep the former name
            for key, value in wanted.items():
                setattr(unit, key, value)
            if unit.parent_id != parent.id:
                moved.append((unit, unit.parent, unit.path))
            unit.parent = parent
            result.updated += 1
            touched.append(unit)
        else:
            result.unchanged += 1
        return unit

    provinces = {}
    for province in sorted(Province.iter_all(), key=lambda p: int(p.code)):
        provinces[int(province.code)] = upsert(
            province_code(province.code),
            province_code(province.code),
            province.name,
            "TINH",
            PROVINCE_KIND[province.division_type],
            root,
        )
        result.provinces += 1
    for ward in sorted(Ward.iter_all(), key=lambda w: int(w.code)):
        upsert(
            commune_code(ward.code),
            commune_code(ward.code),
            ward.name,
            "XA",
            COMMUNE_KIND[ward.division_type],
            provinces[int(ward.province_code)],
        )
        result.communes += 1
    session.flush()
    for unit in touched:
        parent = unit.parent
        if parent is None:  # every imported commune hangs under its province
            raise ValueError(f"commune {unit.code} has no province")
        unit.path = f"{parent.path}{unit.id}/"
        unit.depth = parent.depth + 1
        refresh_search(unit)
    # Provinces come first in touched, so their paths are set before their communes'.
    for unit, old_parent, old_path in moved:
        touched.extend(rewrite_descendants(session, unit, old_path))
        # Devices above the old and the new parent see the move (PROTOCOL.md §5.4).
        carry_subtree(session, unit, old_parent)
    if touched:
        changes.stamp(session, touched)
        record_event(
            session,
            None,
            table="units",
            record_id="official",
            action="import",
            after={
                "created": result.created,
                "updated": result.updated,
                "data_version": DATA_VERSION,
            },
        )
    session.commit()
    return result
