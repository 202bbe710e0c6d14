"""Who sees and does what: every role against its own unit, a child unit and a foreign unit.

Every actor sits at the province "Nghệ An". "own" is the province itself, "child" one of its
communes, "foreign" a commune of another province. An administrator (QUAN_TRI) of the province
acts only inside it like everyone else there; only an administrator at the root is national.
"""

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Device, OneTimeCode, Unit, User
from tests.conftest import meeting_payload, model_payload, shared_layer
from tests.factories import make_device_headers, make_tree, make_user

ROLES = ("CAN_BO_NHAP", "LANH_DAO_DUYET", "QUAN_TRI", "XEM")
PLACES = {"own": "province", "child": "commune", "foreign": "foreign_commune"}
PAYLOADS = {"models": model_payload, "meetings": meeting_payload}
TITLE = {"models": "name", "meetings": "title"}

WRITERS = {"CAN_BO_NHAP", "QUAN_TRI"}
REVIEWERS = {"LANH_DAO_DUYET", "QUAN_TRI"}

role_param = pytest.mark.parametrize("role", ROLES)
place_param = pytest.mark.parametrize("place", PLACES)
table_param = pytest.mark.parametrize("table", PAYLOADS)


def sees(role: str, place: str) -> bool:
    """Tell whether a role at the province sees a unit at that place."""
    return place != "foreign"


class World:
    """The tree, an actor with one role, and records a root-level officer made."""

    def __init__(self, client, tree, create_user, auth_headers, people: dict):
        self.client = client
        self.tree = tree
        self.create_user = create_user
        self.auth_headers = auth_headers
        self.seeder = people["seeder"]
        self.actor = db.session.get(User, people["actor"])
        self.headers = people["headers"]

    def unit(self, place: str):
        """Return the unit at a place."""
        return self.tree[PLACES[place]]

    def record(self, table: str, place: str, *, submitted: bool = False) -> dict:
        """Create a record at a place as the seeder, optionally submitted for review."""
        body = PAYLOADS[table](self.unit(place))
        response = self.client.post(f"/api/v1/{table}", json=body, headers=self.seeder)
        assert response.status_code == 201, response.get_json()
        if submitted:
            response = self.client.post(
                f"/api/v1/{table}/{body['id']}/review",
                json={"action": "submit", "version": 1},
                headers=self.seeder,
            )
            assert response.status_code == 200, response.get_json()
        return response.get_json()

    def stored(self, table: str, record_id: str) -> dict:
        """Read a record back as the seeder, who sees everything."""
        response = self.client.get(f"/api/v1/{table}/{record_id}", headers=self.seeder)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def device_at(self, place: str) -> str:
        """Register a device for another user at a place and return its id."""
        other = self.create_user(f"khac-{place}", self.unit(place), ["CAN_BO_NHAP"])
        self.auth_headers(other, device_name=f"Máy {place}")
        return db.session.scalar(db.select(Device.id).where(Device.user_id == other.id))


def _matrix_tree() -> dict[str, int]:
    """Make the small unit tree and return its units' ids."""
    return {place: unit.id for place, unit in make_tree().items()}


# The tree, and above it each role's seeder and actor with their devices, are made once for the
# tests in a row that ask for them; each test rolls back to them.
tree_layer = shared_layer(_matrix_tree)


@pytest.fixture
def tree(_matrix_tree):
    """Return the shared small unit tree."""
    found = db.session.scalars(select(Unit).where(Unit.id.in_(_matrix_tree.values())))
    by_id = {unit.id: unit for unit in found}
    return {place: by_id[unit_id] for place, unit_id in _matrix_tree.items()}


def _matrix_people(role: str, tree: dict[str, int]) -> dict:
    """Make a root-level seeder and an actor at the province with the role, each with a device."""
    seeder = make_user("seeder", db.session.get(Unit, tree["root"]), ["CAN_BO_NHAP"])
    actor = make_user("actor", db.session.get(Unit, tree["province"]), [role])
    return {
        "seeder": make_device_headers(seeder),
        "actor": actor.id,
        "headers": make_device_headers(actor),
    }


people_layer = shared_layer(_matrix_people, below=tree_layer, key="role")


@pytest.fixture
def world(client, tree, create_user, auth_headers, _matrix_people):
    """Build the world for the test's role."""
    return World(client, tree, create_user, auth_headers, _matrix_people)


@role_param
@place_param
@table_param
def test_list(world, client, role, place, table):
    record = world.record(table, place)
    response = client.get(f"/api/v1/{table}", headers=world.headers)
    assert response.status_code == 200
    listed = {item["id"] for item in response.get_json()["items"]}
    assert (record["id"] in listed) == sees(role, place)


@role_param
@place_param
@table_param
def test_list_within_unit(world, client, role, place, table):
    world.record(table, place)
    unit_id = world.unit(place).id
    response = client.get(f"/api/v1/{table}?unit_id={unit_id}", headers=world.headers)
    if sees(role, place):
        assert response.status_code == 200
        assert response.get_json()["total"] == 1
    else:
        assert response.status_code == 404


@role_param
@place_param
@table_param
def test_get(world, client, role, place, table):
    record = world.record(table, place)
    response = client.get(f"/api/v1/{table}/{record['id']}", headers=world.headers)
    assert response.status_code == (200 if sees(role, place) else 404)


@role_param
@place_param
@table_param
def test_create(world, client, role, place, table):
    body = PAYLOADS[table](world.unit(place))
    response = client.post(f"/api/v1/{table}", json=body, headers=world.headers)
    if role not in WRITERS:
        assert response.status_code == 403
    elif not sees(role, place):
        assert response.status_code == 404
        assert "owner_unit_id" in response.get_json()["error"]["details"]["fields"]
    else:
        assert response.status_code == 201


@role_param
@place_param
@table_param
def test_update(world, client, role, place, table):
    record = world.record(table, place)
    response = client.patch(
        f"/api/v1/{table}/{record['id']}",
        json={"version": record["version"], TITLE[table]: "Tên mới"},
        headers=world.headers,
    )
    if not sees(role, place):
        assert response.status_code == 404
    elif role not in WRITERS:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert response.get_json()[TITLE[table]] == "Tên mới"
    if response.status_code != 200:
        assert world.stored(table, record["id"])["version"] == record["version"]


@role_param
@place_param
@table_param
def test_delete(world, client, role, place, table):
    record = world.record(table, place)
    response = client.delete(
        f"/api/v1/{table}/{record['id']}",
        json={"version": record["version"]},
        headers=world.headers,
    )
    if not sees(role, place):
        assert response.status_code == 404
    elif role not in WRITERS:
        assert response.status_code == 403
    else:
        assert response.status_code == 204
    if response.status_code != 204:
        assert world.stored(table, record["id"])["version"] == record["version"]


@role_param
@place_param
@table_param
def test_review(world, client, role, place, table):
    # Reviewers decide on a submitted record; everyone else tries to submit a draft.
    action = "approve" if role in REVIEWERS else "submit"
    record = world.record(table, place, submitted=action == "approve")
    response = client.post(
        f"/api/v1/{table}/{record['id']}/review",
        json={"action": action, "version": record["version"]},
        headers=world.headers,
    )
    if not sees(role, place):
        assert response.status_code == 404
    elif role in REVIEWERS | WRITERS:
        assert response.status_code == 200
        assert response.get_json()["review_status"] == (
            "DA_DUYET" if action == "approve" else "CHO_DUYET"
        )
    else:
        assert response.status_code == 403
    if response.status_code != 200:
        assert world.stored(table, record["id"])["version"] == record["version"]


@role_param
@place_param
@table_param
def test_history(world, client, role, place, table):
    record = world.record(table, place)
    response = client.get(f"/api/v1/{table}/{record['id']}/history", headers=world.headers)
    if sees(role, place):
        assert response.status_code == 200
        assert [e["action"] for e in response.get_json()] == ["create"]
    else:
        assert response.status_code == 404


@role_param
@place_param
def test_units_list(world, client, role, place):
    response = client.get("/api/v1/units?per_page=500", headers=world.headers)
    assert response.status_code == 200
    listed = {u["id"] for u in response.get_json()["items"]}
    assert (world.unit(place).id in listed) == sees(role, place)


@role_param
@place_param
def test_units_get(world, client, role, place):
    response = client.get(f"/api/v1/units/{world.unit(place).id}", headers=world.headers)
    assert response.status_code == (200 if sees(role, place) else 404)


@role_param
@place_param
def test_units_create(world, client, role, place):
    body = {"code": "THON-1", "name": "Bản Huồi Pủng", "level": "THON"}
    response = client.post(
        "/api/v1/units", json={**body, "parent_id": world.unit(place).id}, headers=world.headers
    )
    if role != "QUAN_TRI":
        assert response.status_code == 403
    elif not sees(role, place):
        assert response.status_code == 404
        assert "parent_id" in response.get_json()["error"]["details"]["fields"]
    else:
        assert response.status_code == 201
    created = db.session.scalar(db.select(Unit).where(Unit.code == "THON-1"))
    assert (created is not None) == (response.status_code == 201)


@role_param
@place_param
def test_units_update(world, client, role, place):
    unit = world.unit(place)
    response = client.patch(
        f"/api/v1/units/{unit.id}", json={"name": "Tên mới"}, headers=world.headers
    )
    if role != "QUAN_TRI":
        assert response.status_code == 403
    elif not sees(role, place):
        assert response.status_code == 404
    else:
        assert response.status_code == 200
    db.session.expire_all()
    assert (db.session.get(Unit, unit.id).name == "Tên mới") == (response.status_code == 200)


@role_param
@place_param
def test_devices_list(world, client, role, place):
    device_id = world.device_at(place)
    response = client.get("/api/v1/devices", headers=world.headers)
    assert response.status_code == 200
    listed = {d["id"] for d in response.get_json()}
    assert (device_id in listed) == (role == "QUAN_TRI" and sees(role, place))


@role_param
@place_param
def test_devices_revoke(world, client, role, place):
    device_id = world.device_at(place)
    response = client.post(f"/api/v1/devices/{device_id}/revoke", headers=world.headers)
    allowed = role == "QUAN_TRI" and sees(role, place)
    assert response.status_code == (200 if allowed else 404)
    db.session.expire_all()
    assert (db.session.get(Device, device_id).revoked_at is not None) == allowed


@role_param
def test_own_device_is_listed(world, client, role):
    listed = client.get("/api/v1/devices", headers=world.headers).get_json()
    assert world.actor.id in {d["user_id"] for d in listed}


@role_param
def test_own_device_can_be_revoked(world, client, role):
    own = db.session.scalar(db.select(Device.id).where(Device.user_id == world.actor.id))
    response = client.post(f"/api/v1/devices/{own}/revoke", headers=world.headers)
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["CAN_BO_NHAP", "XEM"])
@table_param
def test_non_reviewer_cannot_approve(world, client, role, table):
    record = world.record(table, "child", submitted=True)
    response = client.post(
        f"/api/v1/{table}/{record['id']}/review",
        json={"action": "approve", "version": record["version"]},
        headers=world.headers,
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["LANH_DAO_DUYET"])
@table_param
def test_reviewer_cannot_approve_own_record(world, client, create_user, auth_headers, table, role):
    both = create_user("kiemnhiem", world.tree["province"], ["CAN_BO_NHAP", "LANH_DAO_DUYET"])
    headers = auth_headers(both)
    body = PAYLOADS[table](world.tree["commune"])
    client.post(f"/api/v1/{table}", json=body, headers=headers)
    url = f"/api/v1/{table}/{body['id']}/review"
    client.post(url, json={"action": "submit", "version": 1}, headers=headers)
    response = client.post(url, json={"action": "approve", "version": 2}, headers=headers)
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["CAN_BO_NHAP"])
@table_param
def test_officer_cannot_move_record_out_of_scope(world, client, role, table):
    record = world.record(table, "child")
    response = client.patch(
        f"/api/v1/{table}/{record['id']}",
        json={"version": record["version"], "owner_unit_id": world.unit("foreign").id},
        headers=world.headers,
    )
    assert response.status_code == 404
    assert "owner_unit_id" in response.get_json()["error"]["details"]["fields"]


@pytest.mark.parametrize("role", ["CAN_BO_NHAP"])
def test_officer_at_commune_does_not_see_sibling(client, tree, create_user, auth_headers, role):
    seeder = auth_headers(create_user("seeder", tree["root"], ["CAN_BO_NHAP"]))
    body = model_payload(tree["sibling"])
    client.post("/api/v1/models", json=body, headers=seeder)
    headers = auth_headers(create_user("xa", tree["commune"], [role]))
    assert client.get(f"/api/v1/models/{body['id']}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/units/{tree['province'].id}", headers=headers).status_code == 404


# --- administration: users, one-time codes, unit moves --------------------------------------

MANAGERS = {"QUAN_TRI", "LANH_DAO_DUYET"}


def _user_state(user_id: int) -> tuple:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    codes = db.session.scalar(
        db.select(db.func.count(OneTimeCode.id)).where(OneTimeCode.user_id == user_id)
    )
    return user.unit_id, sorted(user.roles), user.active, user.full_name, codes


@role_param
@place_param
def test_users_list(world, client, role, place):
    other = world.create_user(f"nguoi-{place}", world.unit(place), ["CAN_BO_NHAP"])
    response = client.get("/api/v1/users?per_page=500", headers=world.headers)
    if role not in MANAGERS:
        assert response.status_code == 403
        return
    listed = {u["id"] for u in response.get_json()["items"]}
    assert (other.id in listed) == sees(role, place)


@role_param
@place_param
@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"full_name": "Tên mới", "active": False}),
        ("post", "/password-reset", None),
        ("post", "/enrolment", None),
    ],
)
def test_user_endpoints(world, client, role, place, method, suffix, body):
    other = world.create_user(f"nguoi-{place}", world.unit(place), ["CAN_BO_NHAP"])
    before = _user_state(other.id)
    response = getattr(client, method)(
        f"/api/v1/users/{other.id}{suffix}", json=body, headers=world.headers
    )
    allowed = {"QUAN_TRI"} if method == "patch" or suffix == "/password-reset" else MANAGERS
    if role not in allowed:
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "FORBIDDEN"
    elif not sees(role, place):
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "NOT_FOUND"
    else:
        assert response.status_code in (200, 201)
    if response.status_code >= 400 or method == "get":
        assert _user_state(other.id) == before


@role_param
@place_param
def test_users_create(world, client, role, place):
    body = {
        "username": "moi",
        "full_name": "Người Mới",
        "unit_id": world.unit(place).id,
        "roles": ["CAN_BO_NHAP"],
    }
    response = client.post("/api/v1/users", json=body, headers=world.headers)
    if role != "QUAN_TRI":
        assert response.status_code == 403
    elif not sees(role, place):
        assert response.status_code == 404
        assert "unit_id" in response.get_json()["error"]["details"]["fields"]
    else:
        assert response.status_code == 201
    created = db.session.scalar(db.select(User).where(User.username == "moi"))
    assert (created is not None) == (response.status_code == 201)


@role_param
@place_param
def test_users_move_to_unit(world, client, role, place):
    other = world.create_user("nguoi", world.unit("child"), ["CAN_BO_NHAP"])
    before = _user_state(other.id)
    response = client.patch(
        f"/api/v1/users/{other.id}", json={"unit_id": world.unit(place).id}, headers=world.headers
    )
    if role != "QUAN_TRI":
        assert response.status_code == 403
    elif not sees(role, place):
        assert response.status_code == 404
        assert "unit_id" in response.get_json()["error"]["details"]["fields"]
    else:
        assert response.status_code == 200
    if response.status_code != 200:
        assert _user_state(other.id) == before


@role_param
@place_param
def test_units_move_preview(world, client, role, place):
    unit = world.unit("child")
    target = world.tree["sibling"] if place == "child" else world.unit(place)
    response = client.get(
        f"/api/v1/units/{unit.id}/move-preview?parent_id={target.id}", headers=world.headers
    )
    if role != "QUAN_TRI":
        assert response.status_code == 403
    elif not sees(role, place):
        assert response.status_code == 404
        assert "parent_id" in response.get_json()["error"]["details"]["fields"]
    else:
        assert response.status_code == 200
