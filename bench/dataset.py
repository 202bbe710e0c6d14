"""Generate a realistic national dataset of models and meetings straight into PostgreSQL.

``generate(url, models, meetings, seed)`` fills a migrated database (importing the official
34 provinces and 3,321 communes first if it has none) as if officers had used the app since
the 2025 reform: records spread unevenly over communes (a few provinces' meetings too), each
with a workflow history that sets its version, review status, ``field_versions`` and
``version_writers``; ``change_seq`` follows the time of each record's last change with a gap
for every earlier version, and the counter row ends at the highest one. Rows go in with COPY,
with the record tables' secondary indexes rebuilt once at the end, so a million records load
in minutes, not hours. Every commune and province gets an officer (``xa.<code>``) and a
reviewer (``lanhdao.<code>``) whose password is ``bench.live.LIVE_PASSWORD``.

    python -m bench dataset --models 400000 --meetings 600000   # into sotay_bench_scale
"""

from __future__ import annotations

import functools
import json
import random
import re
import time
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bench.live import LIVE_PASSWORD, run_cli
from server.search import search_text as server_search_text

# Records are entered from the 2025 reform on; the newest a few days before the run's "now".
ENTRY_START = datetime(2025, 7, 1, tzinfo=UTC)
ENTRY_END = datetime(2026, 11, 20, tzinfo=UTC)
# Share of records owned by a province rather than a commune (province meetings, exemplars).
PROVINCE_SHARE = {"models": 0.01, "meetings": 0.04}
# Communes differ a lot in how much they record: a log-normal weight gives a long tail
# (the busiest commune has ~10x the median's records), as reporting systems usually see.
COMMUNE_SPREAD = 0.8
# The review status a record ends in, and how often (a mature deployment: most approved).
FLOWS = [
    ("draft", 0.18),
    ("submitted", 0.10),
    ("approved", 0.58),
    ("returned", 0.07),
    ("resubmitted_approved", 0.04),
    ("cancelled", 0.02),
    ("deleted", 0.01),
]
# How many rows go through psycopg's COPY writer between progress lines.
PROGRESS_EVERY = 200_000
# Rows checked against the server's own search folding after the load.
SELF_CHECK_ROWS = 50

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Lò", "Vi"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thanh", "Hữu", "Thu", "Quang", "Kim"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Hà",
    "Hải",
    "Hằng",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vân",
    "Xuân",
]
ETHNIC = ["Kinh", "Kinh", "Kinh", "Kinh", "Thái", "Tày", "Mường", "H'Mông", "Khmer", "Dao"]
PLACES = [
    "Huồi Pủng",
    "Nậm Cắn",
    "Xốp Mạt",
    "Phà Lõm",
    "Keng Đu",
    "Tà Cạ",
    "Mường Lống",
    "Na Ngoi",
    "Đông Thịnh",
    "Yên Hòa",
    "Tân Lập",
    "Phú Xuân",
    "Hòa Bình",
    "Quyết Thắng",
    "Trung Sơn",
    "Bắc Sơn",
    "Nam Tiến",
    "Thượng Lâm",
    "Hạ Long",
    "Cẩm Bình",
]
HAMLET = ["Bản", "Thôn", "Xóm", "Tổ dân phố", "Khối", "Ấp", "Buôn", "Làng"]
GROUPS = [
    "Chi hội Phụ nữ",
    "Chi đoàn Thanh niên",
    "Chi hội Nông dân",
    "Chi hội Cựu chiến binh",
    "Tổ hòa giải",
    "Ban công tác Mặt trận",
    "Tổ tự quản",
    "Hợp tác xã",
    "Tổ liên kết sản xuất",
    "Câu lạc bộ",
]
LEADS = [
    "Hội Liên hiệp Phụ nữ xã",
    "Đoàn Thanh niên xã",
    "Hội Nông dân xã",
    "Hội Cựu chiến binh xã",
    "Ủy ban MTTQ xã",
    "Công an xã",
    "Ban Dân vận Đảng ủy",
]
AIMS = {
    "KINH_TE": [
        "phát triển kinh tế hộ gia đình, giảm nghèo bền vững",
        "chuyển đổi cây trồng, vật nuôi có giá trị cao",
        "xây dựng vườn mẫu nông thôn mới",
        "hiến đất mở rộng đường giao thông nông thôn",
        "liên kết tiêu thụ nông sản sạch",
    ],
    "VAN_HOA_XA_HOI": [
        "giữ gìn vệ sinh môi trường khu dân cư",
        "xây dựng nếp sống văn minh trong việc cưới, việc tang",
        "vận động con em đến trường đúng độ tuổi",
        "phân loại rác thải tại nguồn",
        "chăm sóc người cao tuổi, trẻ em có hoàn cảnh khó khăn",
    ],
    "QP_AN": [
        "bảo vệ đường biên, cột mốc quốc gia",
        "phòng chống ma túy và tệ nạn xã hội",
        "camera an ninh, giữ gìn trật tự khu dân cư",
        "hòa giải mâu thuẫn tại cơ sở",
    ],
    "XD_HTCT": [
        "thực hiện quy chế dân chủ ở cơ sở",
        "cải cách hành chính, một cửa thân thiện",
        "chính quyền thân thiện, vì Nhân dân phục vụ",
        "chuyển đổi số trong sinh hoạt chi bộ",
    ],
}
WAYS = [
    "phân công hội viên phụ trách từng cụm dân cư",
    "họp dân hằng tháng tại nhà văn hóa",
    "kết hợp già làng, trưởng bản và người có uy tín",
    "tuyên truyền trên loa truyền thanh",
    "đăng ký thi đua giữa các hộ, công khai kết quả",
    "cán bộ cầm tay chỉ việc tại hộ",
    "lập nhóm Zalo để trao đổi và nhắc việc",
    "hộ làm trước dẫn hộ làm sau",
]
TAGS = {
    "KINH_TE": ["NTM", "GIAM_NGHEO", "GPMB", "CHUYEN_DOI_SO"],
    "VAN_HOA_XA_HOI": ["MOI_TRUONG", "DAN_TOC", "TON_GIAO", "NTM"],
    "QP_AN": ["ANTT", "BIEN_GIOI", "DAN_TOC"],
    "XD_HTCT": ["QCDC", "CCHC", "CHUYEN_DOI_SO"],
}
METRICS = [
    ("Số hộ tham gia", "hộ", 5, 600),
    ("Số buổi tuyên truyền", "buổi", 1, 80),
    ("Kinh phí huy động", "triệu đồng", 5, 3000),
    ("Ngày công đóng góp", "ngày công", 20, 5000),
    ("Diện tích đất hiến", "m²", 50, 20000),
    ("Thu nhập tăng thêm", "triệu đồng/hộ/năm", 2, 120),
]
MODEL_STATUS = [
    "DANG_KY",
    "DANG_XAY_DUNG",
    "DANG_DUY_TRI",
    "DANG_DUY_TRI",
    "DA_NHAN_RONG",
    "TAM_DUNG",
]
MEETING_TYPES = [
    ("HOI_NGHI", "Hội nghị", 20),
    ("TOA_DAM", "Tọa đàm", 8),
    ("TAP_HUAN", "Tập huấn", 12),
    ("SO_KET", "Sơ kết", 8),
    ("TONG_KET", "Tổng kết", 5),
    ("DOI_THOAI", "Đối thoại", 10),
    ("GIAO_BAN", "Giao ban", 25),
    ("HOI_THAO", "Hội thảo", 3),
    ("TRAO_DOI_KN", "Trao đổi kinh nghiệm", 3),
    ("BIEU_DUONG", "Biểu dương", 3),
    ("KY_KET", "Ký kết phối hợp", 2),
    ("KHAC", "Sinh hoạt", 1),
]
TOPICS = [
    "công tác dân vận",
    "phong trào thi đua “Dân vận khéo”",
    "quy chế dân chủ ở cơ sở",
    "xây dựng nông thôn mới",
    "giải phóng mặt bằng dự án",
    "công tác tôn giáo",
    "công tác dân tộc",
    "phòng chống thiên tai",
    "an ninh trật tự",
]
AUDIENCE = [
    "CAN_BO_DV",
    "CAP_UY",
    "CHINH_QUYEN",
    "MTTQ_DOAN_THE",
    "NHAN_DAN",
    "DTTS",
    "CHUC_SAC_TON_GIAO",
    "LLVT",
]
POSITIONS = [
    "Bí thư Đảng ủy",
    "Phó Bí thư Thường trực",
    "Chủ tịch UBND",
    "Chủ tịch Ủy ban MTTQ",
    "Trưởng khối Dân vận",
    "Chi hội trưởng",
    "Trưởng thôn",
    "Công chức Văn hóa - Xã hội",
    "Bí thư Chi bộ",
    "Người có uy tín",
]
ROLES_PRESENT = ["DAI_BIEU", "DAI_BIEU", "DAI_BIEU", "KHACH_MOI", "THAM_LUAN", "NGUOI_DAN"]
RETURN_COMMENTS = [
    "Đề nghị bổ sung số liệu kết quả.",
    "Bổ sung hình ảnh, minh chứng.",
    "Nêu rõ cách làm sáng tạo.",
    "Kiểm tra lại thành phần tham dự.",
]
MODEL_EDITABLE = [
    "name",
    "locality",
    "objective",
    "method",
    "results",
    "metrics",
    "status",
    "topic_tags",
    "lead_org",
]
MEETING_EDITABLE = [
    "title",
    "location",
    "content_summary",
    "attendees",
    "actual_count",
    "outcomes",
    "conclusion",
    "audience",
]

# Columns every synced record table has, in the order the rows below are written.
RECORD_COLUMNS = (
    "id",
    "version",
    "change_seq",
    "deleted",
    "review_status",
    "review_comment",
    "reviewed_at",
    "reviewed_by_name",
    "field_versions",
    "version_writers",
    "search_text",
    "created_at",
    "updated_at",
    "device_id",
    "owner_unit_id",
    "created_by_id",
    "updated_by_id",
    "reviewed_by_id",
)
MODEL_COLUMNS = (
    *RECORD_COLUMNS,
    "kind",
    "subject_type",
    "name",
    "field",
    "collective_name",
    "person_name",
    "person_position",
    "person_gender",
    "person_ethnicity",
    "person_birth_year",
    "commune_unit_id",
    "locality",
    "lead_org",
    "start_date",
    "status",
    "period",
    "year_registered",
    "objective",
    "method",
    "results",
    "metrics",
    "topic_tags",
    "replicated_from_id",
    "geo_lat",
    "geo_lon",
    "geo_accuracy",
    "notes",
)
MEETING_COLUMNS = (
    *RECORD_COLUMNS,
    "type",
    "title",
    "format",
    "organizer_unit_id",
    "co_organizer_ids",
    "start_at",
    "end_at",
    "part_of_day",
    "location",
    "geo_lat",
    "geo_lon",
    "sites",
    "planned_count",
    "actual_count",
    "count_is_approx",
    "audience",
    "report_period",
    "agenda",
    "content_summary",
    "speeches_count",
    "conclusion",
    "outcomes",
    "linked_model_ids",
    "minutes_no",
    "attendees",
    "notes",
)
TABLE_OF = {"models": "dvk_models", "meetings": "meetings"}


# --- folding for search_text ----------------------------------------------------------------


@functools.lru_cache(maxsize=100_000)
def _fold_piece(text: str) -> str:
    """Fold one piece of text like server.search.fold, without trimming its spaces."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


class Text:
    """A field built from pieces, folded piece by piece (folding maps characters one by one).

    server.search.fold also collapses runs of spaces and trims the ends; the templates here
    never produce either, and the self-check after a load compares with the real function.
    """

    __slots__ = ("folded", "raw")

    def __init__(self, *pieces: object):
        parts = [str(p) for p in pieces]
        self.raw = "".join(parts)
        self.folded = "".join(_fold_piece(p) for p in parts)


# server.search.words: anything but a letter or digit separates words.
_SEPARATORS = re.compile(r"[\W_]+")


def _search_text(*texts: Text | str | None) -> str:
    folded = " ".join(
        t if isinstance(t, str) else t.folded for t in texts if t is not None and t != ""
    )
    return " ".join(_SEPARATORS.sub(" ", folded).split())


# --- units and people -----------------------------------------------------------------------


@dataclass
class Owner:
    """A unit that owns records, with the people who write and review them."""

    unit_id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    officer_id: int = 0
    officer_device: str = ""
    reviewer_id: int = 0
    reviewer_name: str = ""
    reviewer_device: str = ""


def _connect(database_url: str, **kwargs):
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError("the dataset generator needs PostgreSQL (it loads with COPY)")
    params = {"dbname": url.database, "user": url.username, "password": url.password}
    if url.host:
        params.update(host=url.host, port=url.port or 5432)
    elif url.query.get("host"):
        params["host"] = url.query["host"]
    return psycopg.connect(**params, **kwargs)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _owners(conn, unit_codes: list[str] | None) -> list[Owner]:
    """Return the units that will own records: the given ones, or every commune and province."""
    if unit_codes is not None:
        rows = conn.execute(
            "SELECT id, code, name, level, parent_id FROM units WHERE code = ANY(%s) ORDER BY id",
            (unit_codes,),
        ).fetchall()
        missing = set(unit_codes) - {r[1] for r in rows}
        if missing:
            raise ValueError(f"no units with codes {sorted(missing)}")
    else:
        rows = conn.execute(
            "SELECT id, code, name, level, parent_id FROM units"
            " WHERE level IN ('XA', 'TINH') AND admin_code IS NOT NULL ORDER BY id"
        ).fetchall()
    return [Owner(*row) for row in rows]


def _ensure_people(conn, owners: list[Owner], rng: random.Random) -> None:
    """Give every owner unit an officer and a reviewer (created if missing)."""
    from server.auth.passwords import hash_password

    digest = hash_password(LIVE_PASSWORD)  # one Argon2 hash for all: hashing is slow by design
    now = datetime.now(UTC)
    rows = []
    for owner in owners:
        where = "xã" if owner.level == "XA" else "tỉnh"
        rows.append(
            (
                f"xa.{owner.code}",
                _person(rng),
                f"Cán bộ Dân vận {where}",
                owner.unit_id,
                '["CAN_BO_NHAP"]',
            )
        )
        rows.append(
            (
                f"lanhdao.{owner.code}",
                _person(rng),
                "Trưởng ban Dân vận",
                owner.unit_id,
                '["LANH_DAO_DUYET"]',
            )
        )
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO users (username, full_name, position, unit_id, roles, active,"
            " password_hash, created_at, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, true, %s, %s, %s) ON CONFLICT (username) DO NOTHING",
            [(*row, digest, now, now) for row in rows],
        )
    found = {
        name: (uid, full)
        for name, uid, full in conn.execute(
            "SELECT username, id, full_name FROM users WHERE username = ANY(%s)",
            ([r[0] for r in rows],),
        )
    }
    for owner in owners:
        owner.officer_id = found[f"xa.{owner.code}"][0]
        owner.reviewer_id, owner.reviewer_name = found[f"lanhdao.{owner.code}"]
        # Devices are not rows here: version_writers only compares their ids.
        owner.officer_device = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        owner.reviewer_device = str(uuid.UUID(int=rng.getrandbits(128), version=4))


# --- histories ------------------------------------------------------------------------------


@dataclass
class History:
    """What happened to one record: who, when, and the versions it went through."""

    table: str
    owner: Owner
    created: datetime
    updated: datetime
    version: int
    status: str
    deleted: bool
    edits: list[int]  # the versions that were field edits
    last_review: str | None  # "approve" / "return" / None
    writers: dict[str, str | None]
    reviewed_at: datetime | None


def _history(rng: random.Random, table: str, owner: Owner, flows, cum) -> History:
    created = ENTRY_START + (ENTRY_END - ENTRY_START) * (rng.random() ** 0.7)
    flow = rng.choices(flows, cum_weights=cum)[0]
    writers = {"1": owner.officer_device}
    version, edits, status, review = 1, [], "NHAP", None
    deleted = False
    reviewed_at = None
    clock = created

    def step(by: str) -> None:
        nonlocal version, clock
        version += 1
        clock += timedelta(hours=rng.expovariate(1 / 40))
        writers[str(version)] = by

    for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
        step(owner.officer_device)
        edits.append(version)
    if flow in ("submitted", "approved", "returned", "resubmitted_approved"):
        step(owner.officer_device)
        status = "CHO_DUYET"
    if flow == "resubmitted_approved":
        step(owner.reviewer_device)
        step(owner.officer_device)
        edits.append(version)
        step(owner.officer_device)
    if flow in ("approved", "resubmitted_approved"):
        step(owner.reviewer_device)
        status, review, reviewed_at = "DA_DUYET", "approve", clock
    elif flow == "returned":
        step(owner.reviewer_device)
        status, review, reviewed_at = "TRA_LAI", "return", clock
    elif flow == "cancelled":
        step(owner.officer_device)
        status = "HUY"
    elif flow == "deleted":
        step(owner.officer_device)
        deleted = True
    updated = min(clock, ENTRY_END + timedelta(days=5))
    return History(
        table,
        owner,
        created,
        updated,
        version,
        status,
        deleted,
        edits,
        review,
        writers,
        reviewed_at,
    )


def _field_versions(h: History, fields: list[str], editable: list[str], rng) -> dict:
    versions = dict.fromkeys(fields, 1)
    for v in h.edits:
        for name in rng.sample(editable, rng.randint(1, 2)):
            versions[name] = v
    if h.status != "NHAP" and not h.deleted:
        versions["review_status"] = h.version
    return versions


# --- record bodies --------------------------------------------------------------------------


def _model_row(rng: random.Random, h: History, rid: str, seq: int, units: dict) -> tuple:
    o = h.owner
    field = rng.choice(list(AIMS))
    aim = rng.choice(AIMS[field])
    place = rng.choice(PLACES)
    hamlet = Text(rng.choice(HAMLET), " ", place)
    individual = rng.random() < 0.22
    start = date(2016, 1, 1) + timedelta(days=rng.randrange(3800))
    start = min(start, h.created.date())
    period = (
        "GD_2016_2020"
        if start.year <= 2020
        else "GD_2021_2025"
        if start.year <= 2025
        else ("GD_2026_2030")
    )
    year = min(start.year + rng.choice((0, 0, 1)), int(period[-4:]))
    if individual:
        person = _person(rng)
        name = Text(rng.choice(("Điển hình ", "Gương ")), person, " với mô hình ", aim)
        collective, person_name = None, Text(person)
        position = rng.choice(POSITIONS)
        gender = "NU" if " Thị " in person else rng.choice(("NAM", "NAM", "NU"))
        ethnicity, birth = rng.choice(ETHNIC), rng.randrange(1955, 2000)
    else:
        group = rng.choice(GROUPS)
        collective = Text(group, " ", hamlet.raw)
        name = Text("Dân vận khéo: ", group, " ", hamlet.raw, " ", aim)
        person_name, position, gender, ethnicity, birth = None, None, None, None, None
    lead = Text(rng.choice(LEADS))
    pct = rng.randrange(60, 100)
    objective = Text(
        "Vận động nhân dân ", hamlet.raw, " ", aim, "; phấn đấu ", pct, "% hộ đồng thuận tham gia."
    )
    w1, w2 = rng.sample(WAYS, 2)
    method = w1[0].upper() + w1[1:] + "; " + w2 + "; sơ kết, rút kinh nghiệm hằng quý."
    results = None
    if h.status != "NHAP" or rng.random() < 0.5:
        results = (
            f"{rng.randrange(20, 400)} hộ tham gia, {rng.randrange(2, 40)} buổi họp dân; "
            f"{rng.randrange(1, 30)} hộ thoát nghèo."
        )
    metrics = [
        {"metric": m, "value": rng.randrange(lo, hi), "unit": u}
        for m, u, lo, hi in rng.sample(METRICS, rng.randint(1, 3))
    ]
    tags = rng.sample(TAGS[field], rng.randint(1, 2))
    commune_id = o.unit_id
    if o.level != "XA":  # a province's model names one of its communes
        commune_id = rng.choice(units["children"].get(o.unit_id, [o.unit_id]))
    has_geo = rng.random() < 0.35
    fields = [
        "id",
        "owner_unit_id",
        "kind",
        "subject_type",
        "name",
        "field",
        "commune_unit_id",
        "locality",
        "lead_org",
        "start_date",
        "status",
        "period",
        "year_registered",
        "objective",
        "method",
        "metrics",
        "topic_tags",
    ]
    fields += (
        ["person_name", "person_position", "person_gender"] if individual else ["collective_name"]
    )
    if results:
        fields.append("results")
    row = _common(
        rng,
        h,
        rid,
        seq,
        fields,
        MODEL_EDITABLE,
        _search_text(name, collective, person_name, hamlet, lead, objective),
    )
    return (
        *row,
        "DIEN_HINH" if individual else "MO_HINH",
        "CA_NHAN" if individual else "TAP_THE",
        name.raw,
        field,
        collective.raw if collective else None,
        person_name.raw if person_name else None,
        position,
        gender,
        ethnicity,
        birth,
        commune_id,
        hamlet.raw,
        lead.raw,
        start,
        rng.choice(MODEL_STATUS),
        period,
        year,
        objective.raw,
        method,
        results,
        json.dumps(metrics, ensure_ascii=False),
        json.dumps(tags),
        None,
        round(rng.uniform(8.6, 23.3), 6) if has_geo else None,
        round(rng.uniform(102.2, 109.4), 6) if has_geo else None,
        round(rng.uniform(3, 40), 1) if has_geo else None,
        None,
    )


def _meeting_row(rng: random.Random, h: History, rid: str, seq: int, linked: list[str]) -> tuple:
    o = h.owner
    code, label, _ = rng.choice(MEETING_TYPES)
    topic = rng.choice(TOPICS)
    start = (h.created - timedelta(days=rng.randrange(0, 10))).astimezone(UTC)
    hour = rng.choice((7, 8, 8, 13, 14, 14, 19))
    # Meetings keep Vietnam's wall-clock time without an offset, as the server stores them.
    start_at = datetime(start.year, start.month, start.day, hour, rng.choice((0, 30)))  # noqa: DTZ001
    end_at = start_at + timedelta(minutes=rng.choice((90, 120, 180, 210, 240)))
    part = "SANG" if hour < 12 else "CHIEU" if hour < 18 else "TOI"
    online = rng.random() < 0.08
    fmt = "TRUC_TUYEN" if online else rng.choice(("TRUC_TIEP",) * 9 + ("KET_HOP",))
    where = o.name
    title = Text(label, " ", topic, " ", where, " năm ", start_at.year)
    location = Text(rng.choice(("Hội trường ", "Nhà văn hóa ", "Trụ sở ")), where)
    planned = rng.randrange(15, 250)
    actual = max(5, planned - rng.randrange(0, 20)) if h.status != "NHAP" else None
    chair = _person(rng)
    attendees = [
        {
            "role": "CHU_TRI",
            "full_name": chair,
            "position": rng.choice(POSITIONS),
            "org_name": where,
            "attendance": "CO_MAT",
        }
    ]
    if rng.random() < 0.7:
        attendees.append(
            {
                "role": "THU_KY",
                "full_name": _person(rng),
                "position": "Công chức Văn phòng",
                "attendance": "CO_MAT",
            }
        )
    for _ in range(rng.choice((0, 1, 2, 3, 4, 6, 10))):
        attendees.append(
            {
                "role": rng.choice(ROLES_PRESENT),
                "full_name": _person(rng),
                "position": rng.choice(POSITIONS),
                "attendance": "CO_MAT",
            }
        )
    summary = Text(
        "Đồng chí ",
        chair,
        " chủ trì. Hội nghị quán triệt ",
        topic,
        "; đánh giá kết quả thực hiện ",
        rng.choice(("6 tháng đầu năm", "quý vừa qua", "cả năm", "giai đoạn 2021 - 2025")),
        "; ",
        rng.randrange(2, 12),
        " ý kiến phát biểu, tập trung vào ",
        rng.choice(WAYS),
        ". Thống nhất giao ",
        rng.choice(LEADS),
        " theo dõi, đôn đốc thực hiện.",
    )
    report_period = rng.choice(("6_THANG", "NAM")) if code in ("SO_KET", "TONG_KET") else None
    sites = []
    if online:
        sites = [{"name": f"Điểm cầu {o.name}", "unit_id": o.unit_id, "chair": chair}]
    fields = [
        "id",
        "owner_unit_id",
        "type",
        "title",
        "format",
        "organizer_unit_id",
        "start_at",
        "end_at",
        "part_of_day",
        "location",
        "planned_count",
        "audience",
        "content_summary",
        "attendees",
    ]
    if actual is not None:
        fields.append("actual_count")
    minutes_no = f"{rng.randrange(1, 200)}/BB" if rng.random() < 0.4 else None
    row = _common(
        rng,
        h,
        rid,
        seq,
        fields,
        MEETING_EDITABLE,
        _search_text(
            title,
            location,
            minutes_no and _fold_piece(minutes_no),
            summary,
            *(_fold_piece(a["full_name"]) for a in attendees),
        ),
    )
    audience = rng.sample(AUDIENCE, rng.randint(1, 3))
    links = rng.sample(linked[-20:], min(len(linked), rng.choice((0, 0, 0, 1, 2))))
    return (
        *row,
        code,
        title.raw,
        fmt,
        o.unit_id,
        "[]",
        start_at,
        end_at,
        part,
        location.raw,
        None,
        None,
        json.dumps(sites, ensure_ascii=False),
        planned,
        actual,
        False,
        json.dumps(audience),
        report_period,
        None,
        summary.raw,
        rng.randrange(2, 12),
        None,
        "Các đại biểu thống nhất kế hoạch." if h.status != "NHAP" else None,
        json.dumps(links),
        minutes_no,
        json.dumps(attendees, ensure_ascii=False),
        None,
    )


def _common(rng, h: History, rid: str, seq: int, fields, editable, search: str) -> tuple:
    o = h.owner
    versions = _field_versions(h, fields, editable, rng)
    comment = None
    if h.last_review == "return":
        comment = rng.choice(RETURN_COMMENTS)
    elif h.last_review == "approve" and rng.random() < 0.3:
        comment = "Đồng ý."
    return (
        rid,
        h.version,
        seq,
        h.deleted,
        h.status,
        comment,
        h.reviewed_at,
        o.reviewer_name if h.last_review else None,
        json.dumps(versions),
        json.dumps(h.writers),
        search,
        h.created,
        h.updated,
        o.officer_device,
        o.unit_id,
        o.officer_id,
        o.officer_id,
        None,
    )


# --- loading --------------------------------------------------------------------------------


def _secondary_indexes(conn, table: str) -> list[tuple[str, str]]:
    return conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i"
        " JOIN pg_class c ON c.relname = i.indexname"
        " JOIN pg_index x ON x.indexrelid = c.oid"
        " WHERE i.schemaname = current_schema() AND i.tablename = %s AND NOT x.indisprimary",
        (table,),
    ).fetchall()


def _log(message: str, started: float) -> None:
    print(f"[dataset {time.monotonic() - started:6.1f} s] {message}", flush=True)


def generate(
    database_url: str,
    models: int,
    meetings: int,
    seed: int = 1,
    *,
    unit_codes: list[str] | None = None,
    quiet: bool = False,
) -> None:
    """Add realistic models and meetings to a migrated PostgreSQL database, fast (COPY)."""
    started = time.monotonic()
    say = (lambda _m: None) if quiet else (lambda m: _log(m, started))
    rng = random.Random(seed)
    with _connect(database_url) as conn:
        has_communes = conn.execute("SELECT count(*) FROM units WHERE level = 'XA'").fetchone()[0]
    if unit_codes is None and not has_communes:
        say("importing the official units (flask units import)")
        run_cli(database_url, "units", "import")
    with _connect(database_url) as conn:
        owners = _owners(conn, unit_codes)
        if not owners:
            raise ValueError("no units to own records")
        _ensure_people(conn, owners, rng)
        children: dict[int, list[int]] = {}
        for unit_id, parent in conn.execute("SELECT id, parent_id FROM units WHERE level = 'XA'"):
            children.setdefault(parent, []).append(unit_id)
        conn.commit()
        say(f"{len(owners):,} owner units with an officer and a reviewer each")

        communes = [o for o in owners if o.level != "TINH"] or owners
        provinces = [o for o in owners if o.level == "TINH"]
        weights = [rng.lognormvariate(0, COMMUNE_SPREAD) for _ in communes]
        cum_w = list(_accumulate(weights))
        flows = [f for f, _ in FLOWS]
        cum_f = list(_accumulate([w for _, w in FLOWS]))
        histories: list[History] = []
        for table, count in (("models", models), ("meetings", meetings)):
            share = PROVINCE_SHARE[table] if provinces else 0.0
            n_prov = int(count * share)
            picks = rng.choices(communes, cum_weights=cum_w, k=count - n_prov)
            picks += [rng.choice(provinces) for _ in range(n_prov)]
            histories.extend(_history(rng, table, o, flows, cum_f) for o in picks)
        # The counter hands out numbers in the order changes commit: by time of last change.
        histories.sort(key=lambda h: h.updated)
        say(f"{len(histories):,} histories drawn")

        with conn.transaction():
            high = conn.execute("SELECT value FROM sync_counter WHERE id = 1 FOR UPDATE").fetchone()
            seq = high[0] if high else 0
            # Foreign keys are right by construction; checking a million rows' four references
            # one trigger at a time would take longer than the load itself.
            conn.execute("SET LOCAL session_replication_role = replica")
            dropped = []
            for table in TABLE_OF.values():
                for name, definition in _secondary_indexes(conn, table):
                    conn.execute(f'DROP INDEX "{name}"')
                    dropped.append((name, definition))
            linked: dict[int, list[str]] = {}
            seqs = []
            for h in histories:
                seq += h.version  # every earlier version took a number too
                seqs.append(seq)
            units = {"children": children}
            for table, columns in (("models", MODEL_COLUMNS), ("meetings", MEETING_COLUMNS)):
                names, keep, extra = _columns(conn, table, columns)
                sql = f"COPY {TABLE_OF[table]} ({', '.join(names)}) FROM STDIN"
                written = 0
                with conn.cursor().copy(sql) as copy:
                    for h, s in zip(histories, seqs, strict=True):
                        if h.table != table:
                            continue
                        rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                        if table == "models":
                            row = _model_row(rng, h, rid, s, units)
                            linked.setdefault(h.owner.unit_id, []).append(rid)
                        else:
                            own = linked.get(h.owner.unit_id, [])
                            row = _meeting_row(rng, h, rid, s, own)
                        copy.write_row(row if keep is None else [row[i] for i in keep] + extra)
                        written += 1
                        if written % PROGRESS_EVERY == 0:
                            say(f"{table}: {written:,} rows copied")
                say(f"{table}: {written:,} rows copied")
            for _name, definition in dropped:
                conn.execute(definition)
            say(f"{len(dropped)} indexes rebuilt")
            if high:
                conn.execute("UPDATE sync_counter SET value = %s WHERE id = 1", (seq,))
            else:
                conn.execute("INSERT INTO sync_counter (id, value) VALUES (1, %s)", (seq,))
    with _connect(database_url, autocommit=True) as conn:
        for table in TABLE_OF.values():
            conn.execute(f"VACUUM (ANALYZE) {table}")
        _self_check(conn)
    say("vacuumed, analysed and checked")


def _columns(conn, table: str, columns: tuple[str, ...]) -> tuple[list[str], list | None, list]:
    """Match the generated columns with the table as migrated now.

    The schema moves on while the generator stands still: a column it does not know gets the
    model's Python-side default (what the server would write), or is left to the database's
    own default; a column the table no longer has is dropped from the rows. Returns the column
    names to COPY, the indexes of the generated values to keep (None: all) and the values to
    append for the unknown columns.
    """
    from server.models import Meeting, ModelRecord

    model = {"models": ModelRecord, "meetings": Meeting}[table]
    present = dict(
        conn.execute(
            "SELECT column_name, column_default FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s",
            (TABLE_OF[table],),
        ).fetchall()
    )
    keep = [i for i, name in enumerate(columns) if name in present]
    names = [columns[i] for i in keep]
    extra = []
    for name, db_default in present.items():
        if name in columns or db_default is not None:
            continue
        column = model.__table__.columns.get(name)
        value = None
        if column is not None and column.default is not None:
            arg = column.default.arg
            value = arg(None) if callable(arg) else arg
        if isinstance(value, (dict, list)):
            value = json.dumps(value)
        names.append(name)
        extra.append(value)
    if len(keep) == len(columns) and not extra:
        return names, None, []
    return names, keep, extra


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


def _self_check(conn) -> None:
    """Compare a sample's search_text with the server's folding, and the counter with rows."""
    checks = (
        ("dvk_models", "name, collective_name, person_name, locality, lead_org, objective"),
        ("meetings", "title, location, minutes_no, content_summary, attendees"),
    )
    for table, columns in checks:
        query = f"SELECT search_text, {columns} FROM {table} ORDER BY change_seq DESC"  # noqa: S608 - constants
        rows = conn.execute(query + f" LIMIT {SELF_CHECK_ROWS}").fetchall()
        for stored, *parts in rows:
            if stored != server_search_text(*parts):
                raise AssertionError(f"{table}: search_text {stored!r} differs from the server's")
    top = conn.execute(
        "SELECT greatest((SELECT max(change_seq) FROM dvk_models),"
        " (SELECT max(change_seq) FROM meetings), (SELECT max(change_seq) FROM units),"
        " (SELECT max(change_seq) FROM conflicts), (SELECT max(change_seq) FROM scope_removals))"
    ).fetchone()[0]
    counter = conn.execute("SELECT value FROM sync_counter WHERE id = 1").fetchone()[0]
    if top != counter:
        raise AssertionError(f"sync counter {counter} but the highest change_seq is {top}")


def create_people(database_url: str, unit_codes: list[str], seed: int = 1) -> None:
    """Give each named unit an officer xa.<code> and a reviewer lanhdao.<code>."""
    with _connect(database_url) as conn:
        _ensure_people(conn, _owners(conn, unit_codes), random.Random(seed))
