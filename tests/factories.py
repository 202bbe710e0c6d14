"""Factories of test data, in one place: units, users, device tokens, record payloads.

Each takes the session explicitly or works on `db.session`; the fixtures in tests/conftest.py
wrap them so a test asks for `create_unit`, `create_user`, `auth_headers` by name.
"""

from __future__ import annotations

import functools
import uuid
from datetime import date, timedelta
from typing import Any

from server.auth import passwords
from server.auth.passwords import hash_password
from server.auth.tokens import hash_token, new_token
from server.extensions import db
from server.models import Device, Unit, User
from server.models.types import utcnow
from server.units.service import place, refresh_search

TEST_PASSWORD = "mat-khau-thu-nghiem"  # a fixed password for test accounts only


def hashed_test_password() -> str:
    """Return the hash of TEST_PASSWORD at the current hashing cost, computed once per process."""
    # Argon2 takes ~0.15 s by design; hashing once keeps hundreds of test users cheap.
    hasher = passwords._hasher
    return _hashed_test_password(hasher.time_cost, hasher.memory_cost, hasher.parallelism)


@functools.cache
def _hashed_test_password(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return hash_password(TEST_PASSWORD)


def make_unit(
    name: str,
    parent: Unit | None = None,
    *,
    level: str | None = None,
    code: str | None = None,
    **extra: Any,
) -> Unit:
    """Create a unit placed in the tree, committed."""
    unit = Unit(
        code=code or uuid.uuid4().hex[:10],
        name=name,
        level=level or ("TRUNG_UONG" if parent is None else "XA"),
        valid_from=date(2025, 7, 1),
        aliases=[],
        **extra,
    )
    db.session.add(unit)
    place(db.session, unit, parent)
    refresh_search(unit)
    db.session.commit()
    return unit


def make_tree() -> dict[str, Unit]:
    """Create a small unit tree: root, a province with two communes, a foreign province."""
    root = make_unit("Trung ương", code="TW", level="TRUNG_UONG")
    province = make_unit("Tỉnh Nghệ An", root, level="TINH", code="40")
    commune = make_unit("Xã Nậm Cắn", province, level="XA", code="17000", is_border=True)
    sibling = make_unit("Xã Mường Xén", province, level="XA", code="17001")
    foreign = make_unit("Tỉnh Hà Tĩnh", root, level="TINH", code="42")
    foreign_commune = make_unit("Xã Cẩm Xuyên", foreign, level="XA", code="18000")
    return {
        "root": root,
        "province": province,
        "commune": commune,
        "sibling": sibling,
        "foreign": foreign,
        "foreign_commune": foreign_commune,
    }


def make_user(
    username: str,
    unit: Unit,
    roles: list[str],
    *,
    full_name: str | None = None,
    active: bool = True,
) -> User:
    """Create a user with the test password, committed."""
    user = User(
        username=username,
        full_name=full_name or username.title(),
        unit=unit,
        roles=roles,
        active=active,
        password_hash=hashed_test_password(),
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_device_headers(user: User, device_name: str = "Máy thử") -> dict[str, str]:
    """Register a device for a user without the password check; return its request headers."""
    token = new_token()
    now = utcnow()
    device = Device(
        id=str(uuid.uuid4()),
        user_id=user.id,
        name=device_name,
        token_hash=hash_token(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=1),
    )
    db.session.add(device)
    db.session.commit()
    return {"Authorization": "Bearer " + token}


def model_payload(owner: Unit, commune: Unit | None = None, **overrides: Any) -> dict:
    """Return a complete, valid model payload as a phone would send it."""
    body = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": owner.id,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Khéo trong vận động nhân dân thực hiện vệ sinh môi trường",
        "field": "VAN_HOA_XA_HOI",
        "collective_name": "Chi hội Phụ nữ bản Huồi Pủng",
        "commune_unit_id": (commune or owner).id,
        "locality": "Bản Huồi Pủng",
        "start_date": "2024-03-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2024,
        "objective": "Giữ gìn vệ sinh môi trường bản làng",
        "method": "Phân công hội viên phụ trách từng cụm dân cư",
        "results": "100% hộ gia đình có hố rác",
        "metrics": [{"metric": "Số hộ tham gia", "value": 120, "unit": "hộ"}],
        "topic_tags": ["MOI_TRUONG"],
    }
    year = overrides.get("year_registered")
    if isinstance(year, int) and 2001 <= year <= 2100 and "period" not in overrides:
        # The period holds the year registered (server/records/plausible.py): five-year phases.
        first = year - (year - 2001) % 5
        body["period"] = f"GD_{first}_{first + 4}"
    body.update(overrides)
    return body


def meeting_payload(owner: Unit, **overrides: Any) -> dict:
    """Return a complete, valid meeting payload."""
    body = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": owner.id,
        "type": "TOA_DAM",
        "title": "Tọa đàm nâng cao hiệu quả phong trào thi đua Dân vận khéo",
        "format": "TRUC_TIEP",
        "organizer_unit_id": owner.id,
        "start_at": "2024-08-12T08:00",
        "location": "Hội trường UBND xã",
        "actual_count": 45,
        "content_summary": "Trao đổi kinh nghiệm xây dựng mô hình",
        "attendees": [{"full_name": "Vi Văn Sơn", "role": "CHU_TRI", "position": "Bí thư"}],
    }
    body.update(overrides)
    return body


def recognition_payload(model_id: str, owner: Unit, **overrides: Any) -> dict:
    """Return a complete, valid recognition payload: a commune recognises a model."""
    body = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": owner.id,
        "subject_model_id": model_id,
        "stage": "CONG_NHAN",
        "level": "XA",
        "form": "KHAC",
        "issuer": "Ban Chỉ đạo phong trào thi đua Dân vận khéo xã",
        "decision_no": None,
        "decision_date": "2024-10-15",
        "period": "GD_2021_2025",
    }
    body.update(overrides)
    return body


def inspection_payload(conducting: Unit, targets: list[Unit], **overrides: Any) -> dict:
    """Return a complete, valid inspection payload by a unit of units below it."""
    body = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": conducting.id,
        "kind": "KIEM_TRA",
        "conducting_unit_id": conducting.id,
        "team_members": ["Nguyễn Thị Hoa", "Lê Văn Ghi"],
        "target_unit_ids": [u.id for u in targets],
        "other_targets": [],
        "target_model_ids": [],
        "subject": "Kiểm tra việc thực hiện phong trào thi đua Dân vận khéo",
        "date_from": "2024-04-10",
        "date_to": "2024-04-12",
        "findings": "Các mô hình duy trì tốt",
        "recommendations": None,
        "result": "DAT",
        "follow_up_due": None,
    }
    body.update(overrides)
    return body
