"""Write the legacy-units CSV (docs/UNITS_LEGACY.md) from the vietnamadminunits package's data.

The package (MIT; an optional tool, installed only where the file is made: ``pip install
vietnamadminunits==1.0.4``) ships the 63-province structure with GSO codes in a SQLite file and
the mapping of old wards to the 2025 ones in a JSON file, keyed by folded names. Both are read
as data, without importing the package (which would pull in shapely and geopy). Codes:

- an old province merged into another: ``T`` + its GSO code (``T77``), successor the new
  province (its two-digit code, as ``flask units import`` names it); a province that kept its
  name is no legacy unit, and its old districts hang under it (``40``);
- a district: ``H`` + its GSO code (``H414``), successors the new communes its wards went to;
- a commune: ``X`` + its GSO code (``X17005``), successors the new communes it went to (several
  when it was split). New communes reuse old codes, hence the prefixes.
"""

import csv
import io
import json
import sqlite3
import unicodedata
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

from vietnam_provinces import Province, VietNamDivisionType, Ward

from server.units.legacy import COLUMNS
from server.units.official import commune_code, province_code

PACKAGE = "vietnamadminunits"
END = "2025-06-30"
PROVINCE_KIND = {"Tỉnh": "TINH", "Thành phố": "THANH_PHO_TW"}
DISTRICT_KIND = {
    "Huyện": "HUYEN",
    "Thị xã": "THI_XA",
    "Thành phố": "THANH_PHO_THUOC_TINH",
    "Quận": "QUAN",
}
WARD_KIND = {"Xã": "XA", "Phường": "PHUONG", "Thị trấn": "THI_TRAN"}


class SourceMissingError(RuntimeError):
    """The vietnamadminunits package is not installed."""


def _data_dir() -> Path:
    spec = find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SourceMissingError(f"pip install {PACKAGE}==1.0.4")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def fold(name: str) -> str:
    """Fold a name the way the package keys it: "Phường Tây Hiếu" -> "phuongtayhieu"."""
    plain = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain.lower() if c.isascii() and c.isalnum())


def _province_key(province: Province) -> str:
    key = fold(province.name)
    if key.startswith(("tinh", "thanhpho")):
        return key
    return ("tinh" if province.division_type == VietNamDivisionType.TINH else "thanhpho") + key


def _new_codes() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Key the 2025 units of the tree (vietnam-provinces) by the package's folded names.

    The package's own codes for new communes are not used: some differ from the ones
    vietnam-provinces (hence the tree) gives, e.g. Phường Tây Hiếu, Nghệ An.
    """
    # vietnam-provinces names some provinces without their kind ("Nghệ An"); the package never.
    names = {int(p.code): _province_key(p) for p in Province.iter_all()}
    provinces = {key: province_code(code) for code, key in names.items()}
    wards = {
        (names[int(w.province_code)], fold(w.name)): commune_code(w.code) for w in Ward.iter_all()
    }
    return provinces, wards


def _successors(mapping: dict, new_wards: dict[tuple[str, str], str]) -> dict[str, list[str]]:
    """Map each old ward's key to the codes of the new communes it went to."""
    found: dict[str, set[str]] = {}

    def link(old_key: str, province: str, new_key: str) -> None:
        # A few of the package's keys keep their diacritics (xãcẩmgiang): fold them too.
        code = new_wards.get((fold(province), fold(new_key)))
        if code is not None:
            found.setdefault(old_key, set()).add(code)

    for province, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, old_keys in wards.items():
            for old_key in old_keys:
                link(old_key, province, new_key)
    for province, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in olds.items():
            for part in parts:
                link(old_key, province, part["newWardKey"])
    return {key: sorted(codes) for key, codes in found.items()}


def legacy_rows(province: str | None = None) -> Iterator[dict[str, str]]:
    """Yield the legacy units as CSV rows: all, or those now inside one 2025 province."""
    data = _data_dir()
    mapping = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    new_provinces, new_wards = _new_codes()
    with sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True) as db:
        went_to = _successors(mapping, new_wards)
        merged_into = {
            old: new_provinces[new]
            for new, olds in mapping["DICT_PROVINCE"].items()
            for old in olds
        }
        rows = db.execute(
            "SELECT province, provinceCode, provinceKey, district, districtCode, districtKey, "
            "districtType, ward, wardCode, wardKey, wardType FROM admin_units_legacy "
            "ORDER BY CAST(provinceCode AS INTEGER), CAST(districtCode AS INTEGER), "
            "CAST(wardCode AS INTEGER)"
        ).fetchall()
    districts: dict[str, dict] = {}
    old_provinces: set[str] = set()
    for p_name, p_code, p_key, d_name, d_code, d_key, d_type, w_name, w_code, w_key, w_type in rows:
        target = merged_into[p_key]
        if province and target != province:
            continue
        kept = p_key in mapping["DICT_PROVINCE"]  # the province kept its name in 2025
        if not kept and p_code not in old_provinces:
            old_provinces.add(p_code)
            yield _row(
                f"T{int(p_code)}",
                p_name,
                "TINH",
                _kind(PROVINCE_KIND, p_name),
                "TW",
                [target],
                province_code(int(p_code)),
            )
        district = f"H{int(d_code)}"
        if district not in districts:
            districts[district] = {
                "name": d_name,
                "kind": DISTRICT_KIND.get(d_type, ""),
                "parent": target if kept else f"T{int(p_code)}",
                "admin_code": f"{int(d_code):03d}",
                "successors": {},
            }
        if w_code is None:
            continue  # an island district without communes (Côn Đảo, Bạch Long Vĩ, …)
        successors = went_to.get(f"{p_key}_{d_key}_{w_key}", [])
        for code in successors:
            districts[district]["successors"][code] = None
        yield _row(
            f"X{int(w_code)}",
            w_name,
            "XA",
            WARD_KIND.get(w_type, ""),
            district,
            successors,
            commune_code(int(w_code)),
        )
    for code, info in districts.items():
        yield _row(
            code,
            info["name"],
            "HUYEN",
            info["kind"],
            info["parent"],
            sorted(info["successors"]),
            info["admin_code"],
        )


def _kind(kinds: dict[str, str], name: str) -> str:
    return next((kind for prefix, kind in kinds.items() if name.startswith(prefix)), "")


def _row(
    code: str, name: str, level: str, kind: str, parent: str, successors: list[str], admin_code: str
) -> dict[str, str]:
    return {
        "code": code,
        "name": name,
        "level": level,
        "admin_kind": kind,
        "parent_code": parent,
        "valid_from": "",
        "valid_to": END,
        "successor_codes": " ".join(successors),
        "admin_code": admin_code,
    }


def legacy_csv(province: str | None = None) -> str:
    """Return the legacy units as the import's CSV text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(legacy_rows(province))
    return out.getvalue()
