"""What the fleet's people do, step by step, drawn from a seeded random generator."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench.fleet_devices import EVERY_RECORD, FleetClient, LoggedMutation, Trace
from bench.fleet_proxy import FAULTS
from bench.fleet_world import (
    COMMUNES,
    MOVING_COMMUNE,
    MOVING_USER,
    MOVING_USER_UNITS,
    OTHER_PROVINCE,
    PROVINCE,
    World,
)
from bench.live import LIVE_PASSWORD
from sync.client import SyncHttpError

NETWORK_ERRORS = (OSError, http.client.HTTPException)
FAULT_WEIGHTS = (3, 3, 2, 2)  # drop, twin, cut, kill
MODEL_TEXT_FIELDS = ("name", "locality", "results", "objective", "method")
MEETING_TEXT_FIELDS = ("title", "location", "content_summary")
# An odd spelling of a value the server stores in another form (PROTOCOL.md §3.2 ids,
# MeetingIn start_at): how often a create or an edit uses one.
ODD_FORM_RATE = 0.05
OFFLINE_STEPS = (8, 30)
# A wall-clock time in Vietnam, as MeetingIn takes it.
FIRST_START = datetime(2026, 1, 5, 7, 0)  # noqa: DTZ001


@dataclass
class Stats:
    """Counts of what the fleet did."""

    steps: int = 0
    syncs: int = 0
    faults: Counter = field(default_factory=Counter)
    network_errors: int = 0
    server_errors: list = field(default_factory=list)
    protocol_errors: list = field(default_factory=list)
    actions: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, name: str, counter: str = "actions") -> None:
        """Add one to a counter."""
        with self.lock:
            getattr(self, counter)[name] += 1


@dataclass
class Options:
    """How hard the fleet is on the servers."""

    fault_rate: float = 0.15
    sync_rate: float = 0.45
    odd_forms: bool = True


def model_payload(unit_id: int, marker: str, rng: random.Random) -> dict:
    """Return a complete model with a marker no edit changes."""
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "owner_unit_id": unit_id,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": f"Mô hình {marker}",
        "field": "VAN_HOA_XA_HOI",
        "collective_name": marker,
        "commune_unit_id": unit_id,
        "locality": "Bản Huồi Pủng",
        "start_date": "2024-03-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2024,
        "objective": "Giữ gìn vệ sinh môi trường",
        "method": "Phân công hội viên",
        "results": "100% hộ có hố rác",
        "metrics": [{"metric": "Số hộ tham gia", "value": 120, "unit": "hộ"}],
        "topic_tags": ["MOI_TRUONG"],
    }


def meeting_payload(unit_id: int, marker: str, rng: random.Random, start_at: str) -> dict:
    """Return a complete meeting with a marker no edit changes."""
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "owner_unit_id": unit_id,
        "type": "TOA_DAM",
        "title": f"Tọa đàm {marker}",
        "format": "TRUC_TIEP",
        "organizer_unit_id": unit_id,
        "start_at": start_at,
        "location": "Hội trường UBND xã",
        "actual_count": 45,
        "content_summary": "Trao đổi kinh nghiệm",
        "minutes_no": marker,
        "attendees": [{"full_name": "Vi Văn Sơn", "role": "CHU_TRI", "position": "Bí thư"}],
    }


class DeviceActor:
    """One phone: an officer or a reviewer working on and offline."""

    def __init__(
        self,
        index: int,
        username: str,
        world: World,
        trace: Trace,
        stats: Stats,
        seed: int,
        options: Options,
    ):
        self.index = index
        self.name = f"d{index}-{username}"
        self.username = username
        self.world = world
        self.stats = stats
        self.options = options
        self.rng = random.Random(f"{seed}:device:{index}")
        # Every other device speaks protocol 1 without the scope token, as outside clients may.
        self.client = FleetClient(world.url, self.name, trace, sends_scope=index % 2 == 0)
        self.trace = trace
        self.offline = 0
        self.faults_made = 0
        self.values = 0
        self.faults_on = True

    @property
    def home(self) -> int:
        """Return the user's unit now: the administrator may have moved the user."""
        return self.world.user_units.get(self.username, self.unit_id)

    @property
    def reviewer(self) -> bool:
        """Tell whether this device's user reviews rather than writes."""
        return self.username.startswith("lanhdao")

    def login(self) -> None:
        """Sign in through the balancer."""
        for attempt in range(5):
            try:
                data = self.client.login(self.username, LIVE_PASSWORD, device_name=self.name)
            except NETWORK_ERRORS:
                time.sleep(0.2 * (attempt + 1))
                continue
            self.device_id = data["device"]["id"]
            self.unit_id = data["user"]["unit"]["id"]
            return
        raise RuntimeError(f"{self.name} could not sign in")

    # --- one step ---------------------------------------------------------------------------

    def step(self, number: int) -> None:
        """Take one seeded step, then maybe sync."""
        rng = self.rng
        actions = REVIEWER_ACTIONS if self.reviewer else OFFICER_ACTIONS
        name = rng.choices(list(actions), weights=list(actions.values()))[0]
        getattr(self, f"do_{name}")(number)
        self.stats.count(name)
        if self.offline:
            self.offline -= 1
            if not self.offline:
                self.trace.add(self.name, f"step {number}: back online")
        elif rng.random() < self.options.sync_rate:
            self.sync(with_faults=self.faults_on)

    def _live(self, table: str, statuses: tuple | None = None) -> list[str]:
        records = self.client.state.records[table]
        return sorted(
            rid
            for rid, rec in records.items()
            if not rec.get("deleted") and (statuses is None or rec.get("review_status") in statuses)
        )

    def _pick(self, statuses: tuple | None = None) -> tuple[str, str] | None:
        choices = [(t, rid) for t in ("models", "meetings") for rid in self._live(t, statuses)]
        return self.rng.choice(choices) if choices else None

    def _value(self, number: int, name: str) -> str:
        self.values += 1
        return f"{self.name} s{number} {name} {self.values}"

    def _start_at(self) -> str:
        self.values += 1
        when = FIRST_START + timedelta(minutes=self.index * 200_000 + self.values)
        if self.options.odd_forms and self.rng.random() < ODD_FORM_RATE:
            return when.strftime("%Y-%m-%dT%H:%M") + f":{self.rng.randint(1, 59):02d}+07:00"
        return when.strftime("%Y-%m-%dT%H:%M")

    def _new_id(self, payload: dict) -> dict:
        if self.options.odd_forms and self.rng.random() < ODD_FORM_RATE:
            payload["id"] = payload["id"].upper()
        return payload

    def do_create_model(self, number: int) -> None:
        """Create a model in the officer's commune."""
        marker = f"fleet {self.name} s{number}"
        payload = self._new_id(model_payload(self.home, marker, self.rng))
        self.client.create("models", payload)

    def do_create_meeting(self, number: int) -> None:
        """Create a meeting in the officer's commune."""
        marker = f"fleet {self.name} s{number}"
        payload = self._new_id(meeting_payload(self.home, marker, self.rng, self._start_at()))
        self.client.create("meetings", payload)

    def do_edit(self, number: int) -> None:
        """Change one or two fields of a record the device holds."""
        picked = self._pick()
        if picked is None:
            return
        table, rid = picked
        names = MODEL_TEXT_FIELDS if table == "models" else (*MEETING_TEXT_FIELDS, "start_at")
        changes = {}
        for name in self.rng.sample(names, self.rng.choice((1, 1, 2))):
            changes[name] = self._start_at() if name == "start_at" else self._value(number, name)
        self.client.edit(table, rid, changes)

    def do_delete(self, number: int) -> None:
        """Delete a record the device holds."""
        picked = self._pick(("NHAP", "TRA_LAI"))
        if picked is not None:
            self.client.delete(*picked)

    def _review(self, action: str, statuses: tuple, comment: str | None = None) -> None:
        picked = self._pick(statuses)
        if picked is not None:
            self.client.review(*picked, action, comment)

    def do_submit(self, number: int) -> None:
        """Submit a draft or returned record."""
        self._review("submit", ("NHAP", "TRA_LAI"))

    def do_withdraw(self, number: int) -> None:
        """Withdraw a submitted record."""
        self._review("withdraw", ("CHO_DUYET",))

    def do_approve(self, number: int) -> None:
        """Approve a submitted record."""
        self._review("approve", ("CHO_DUYET",))

    def do_return(self, number: int) -> None:
        """Return a submitted record with a comment."""
        self._review("return", ("CHO_DUYET",), f"Bổ sung {self.name} s{number}")

    def do_reopen(self, number: int) -> None:
        """Reopen an approved record."""
        self._review("reopen", ("DA_DUYET",), f"Mở lại {self.name} s{number}")

    def do_resolve(self, number: int) -> None:
        """Resolve an open conflict the device holds."""
        open_ids = sorted(
            cid for cid, c in self.client.state.conflicts.items() if not c.get("resolved_at")
        )
        if open_ids:
            resolution = self.rng.choice(("KEEP_KEPT", "RESTORE_LOST"))
            self.client.resolve(self.rng.choice(open_ids), resolution)

    def do_offline(self, number: int) -> None:
        """Go without signal for a long spell."""
        if not self.offline:
            self.offline = self.rng.randint(*OFFLINE_STEPS)
            self.trace.add(self.name, f"step {number}: offline for {self.offline} steps")

    def do_sync(self, number: int) -> None:
        """Sync now, when online."""
        if not self.offline:
            self.sync(with_faults=self.faults_on)

    def do_idle(self, number: int) -> None:
        """Do nothing this step."""

    # --- sync -------------------------------------------------------------------------------

    def sync(self, *, with_faults: bool) -> bool:
        """Sync once; a seeded share of syncs ask the balancer for a fault; tell if it worked."""
        if with_faults and self.rng.random() < self.options.fault_rate:
            fault = self.rng.choices(FAULTS, weights=FAULT_WEIGHTS)[0]
            if self.faults_made < len(FAULTS):
                # Each device's first faults go round every kind: even a short run has them all.
                fault = FAULTS[(self.index + self.faults_made) % len(FAULTS)]
            self.faults_made += 1
            self.client.transport.fault = fault
            self.stats.count(fault, "faults")
        batch = self.rng.choice((5, 50))
        with self.stats.lock:
            self.stats.syncs += 1
        try:
            self.client.sync(batch=batch)
        except NETWORK_ERRORS:
            with self.stats.lock:
                self.stats.network_errors += 1
            return False
        except SyncHttpError as exc:
            bucket = self.stats.server_errors if exc.status >= 500 else self.stats.protocol_errors
            with self.stats.lock:
                bucket.append((self.name, self.client.transport.last_tag, str(exc)))
            return False
        finally:
            self.client.transport.fault = None
        return True


OFFICER_ACTIONS = {
    "create_model": 8,
    "create_meeting": 4,
    "edit": 30,
    "delete": 2,
    "submit": 8,
    "withdraw": 3,
    "resolve": 4,
    "offline": 2,
    "sync": 10,
    "idle": 6,
}
REVIEWER_ACTIONS = {
    "approve": 14,
    "return": 8,
    "reopen": 2,
    "resolve": 6,
    "offline": 2,
    "sync": 20,
    "idle": 10,
}


class AdminActor:
    """The administrator: moves records between communes and a commune between provinces."""

    def __init__(self, world: World, trace: Trace, stats: Stats, seed: int):
        self.world = world
        self.trace = trace
        self.stats = stats
        self.rng = random.Random(f"{seed}:admin")
        self.client = FleetClient(world.url, "admin", trace)
        self.log: list[LoggedMutation] = []
        self.requests = 0
        self.move_back: list[tuple[int, str, str, int]] = []
        self.commune_moves = 0
        self.user_moves = 0

    def login(self) -> None:
        """Sign in through the balancer."""
        data = self.client.login("quantri", LIVE_PASSWORD, device_name="admin")
        self.device_id = data["device"]["id"]
        engine = create_engine(self.world.database_url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                self.moving_user_id = connection.execute(
                    text("SELECT id FROM users WHERE username = :name"), {"name": MOVING_USER}
                ).scalar_one()
        finally:
            engine.dispose()

    def _call(self, method: str, path: str, body: dict) -> tuple[int | None, dict | None]:
        """Send one JSON request; the status is None when the answer never came."""
        try:
            return self._send(method, path, body)
        except NETWORK_ERRORS:
            return None, None

    def _send(self, method: str, path: str, body: dict) -> tuple[int, dict | None]:
        self.requests += 1
        conn = http.client.HTTPConnection("127.0.0.1", self.world.proxy.port, timeout=60)
        try:
            conn.request(
                method,
                path,
                body=json.dumps(body),
                headers={
                    "Authorization": f"Bearer {self.client.token}",
                    "Content-Type": "application/json",
                    "X-Fleet-Tag": f"admin/api{self.requests}",
                },
            )
            response = conn.getresponse()
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
        finally:
            conn.close()

    def refresh(self) -> None:
        """Pull what changed, so moves name current versions."""
        for _ in range(3):
            try:
                self.client.sync()
                return
            except NETWORK_ERRORS:
                time.sleep(0.2)

    def step(self, number: int) -> None:
        """Take one seeded step: move a record, move it back, or move a commune."""
        self.refresh()
        roll = self.rng.random()
        due = [m for m in self.move_back if m[0] <= number]
        if due:
            self.move_back.remove(due[0])
            _, table, rid, unit = due[0]
            self.move_record(table, rid, unit, number)
        elif roll < 0.5:
            records = [
                (t, rid)
                for t in ("models", "meetings")
                for rid in sorted(self.client.state.records[t])
            ]
            if records:
                table, rid = self.rng.choice(records)
                owner = self.client.state.records[table][rid]["owner_unit_id"]
                targets = [self.world.units[c] for c in COMMUNES if self.world.units[c] != owner]
                if self.move_record(table, rid, self.rng.choice(targets), number) and (
                    self.rng.random() < 0.5
                ):
                    self.move_back.append((number + self.rng.randint(1, 3), table, rid, owner))
        elif roll < 0.62:
            self.move_commune(number)
        elif roll < 0.72:
            self.move_user(number)

    def move_record(self, table: str, rid: str, unit: int, number: int) -> bool:
        """PATCH a record's owner (and commune) through the JSON API."""
        record = self.client.state.records[table].get(rid)
        if record is None:
            return False
        body = {"owner_unit_id": unit}
        if table == "models":
            body["commune_unit_id"] = unit
        path = f"/api/v1/{table}/{rid}"
        status, answer = self._call("PATCH", path, {"version": record["version"], **body})
        logged = LoggedMutation(
            f"admin:{len(self.log) + 1}", "admin", "patch", table, rid, record["version"], body
        )
        logged.sent = 1
        if status == 200:
            logged.results.append({"seq": 0, "status": "applied", "version": answer["version"]})
        elif status is not None:
            code = (answer or {}).get("error", {}).get("code")
            logged.results.append({"seq": 0, "status": "rejected", "code": code})
            if status >= 500:
                self.stats.server_errors.append(("admin", f"PATCH {table}/{rid}", str(status)))
        self.log.append(logged)
        self.stats.count("move_record")
        self.trace.add(
            "admin",
            f"step {number}: move {table}/{rid} v{record['version']} to unit {unit} -> {status}"
            f" {logged.results[-1] if logged.results else 'no answer'}",
            [rid],
        )
        return status == 200

    def move_user(self, number: int) -> None:
        """Move an officer to the next commune, or back: its phone's scope changes (§5.4)."""
        self.user_moves += 1
        code = MOVING_USER_UNITS[self.user_moves % 2]
        unit = self.world.units[code]
        path = f"/api/v1/users/{self.moving_user_id}"
        status, _ = self._call("PATCH", path, {"unit_id": unit})
        if status == 200:
            self.world.user_units[MOVING_USER] = unit
        self.stats.count("move_user")
        if status is not None and status >= 500:
            self.stats.server_errors.append(("admin", f"PATCH users/{MOVING_USER}", str(status)))
        self.trace.add(
            "admin", f"step {number}: move user {MOVING_USER} to {code} -> {status}", [EVERY_RECORD]
        )

    def finish(self, number: int) -> None:
        """Leave the moving commune under the other province: scopes must follow (§5.4)."""
        if self.commune_moves % 2 == 0:
            self.move_commune(number)

    def move_commune(self, number: int) -> None:
        """Move the moving commune under the other province, or back."""
        self.commune_moves += 1
        target = OTHER_PROVINCE if self.commune_moves % 2 else PROVINCE
        unit = self.world.units[MOVING_COMMUNE]
        status, _ = self._call(
            "PATCH", f"/api/v1/units/{unit}", {"parent_id": self.world.units[target]}
        )
        self.stats.count("move_commune")
        if status is not None and status >= 500:
            self.stats.server_errors.append(("admin", f"PATCH units/{unit}", str(status)))
        self.trace.add(
            "admin",
            f"step {number}: move commune {MOVING_COMMUNE} under {target} -> {status}",
            [EVERY_RECORD],
        )
