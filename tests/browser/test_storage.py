"""The local database upgrades through its schema ladder without losing pending changes."""

import re
import uuid
from pathlib import Path

import pytest

from tests.browser.conftest import outbox_count, set_pin, wait_synced

pytestmark = pytest.mark.browser

DB_JS = Path(__file__).resolve().parents[2] / "pwa" / "js" / "store" / "db.js"
# The schema version the app upgrades to: the top of its ladder.
DB_VERSION = int(re.search(r"DB_VERSION = (\d+);", DB_JS.read_text("utf-8"))[1])
STORES = """(name) => new Promise((resolve) => {
  const open = indexedDB.open(name);
  open.onsuccess = () => { const names = [...open.result.objectStoreNames]; open.result.close(); resolve(names); };
})"""

# The version-1 schema exactly as the first release created it.
CREATE_V1 = """
([session, entry, record]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("sotay", 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    for (const name of ["models", "meetings", "units", "conflicts"]) db.createObjectStore(name, { keyPath: "id" });
    db.createObjectStore("outbox", { keyPath: "seq" });
    db.createObjectStore("meta");
  };
  open.onsuccess = () => {
    const db = open.result;
    const tx = db.transaction(["outbox", "meta", "models"], "readwrite");
    tx.objectStore("outbox").put(entry);
    tx.objectStore("models").put(record);
    tx.objectStore("meta").put(session, "session");
    tx.objectStore("meta").put(2, "nextSeq");
    tx.oncomplete = () => { db.close(); resolve(true); };
    tx.onerror = () => reject(tx.error);
  };
  open.onerror = () => reject(open.error);
})
"""


def test_upgrade_from_version_1_carries_the_outbox_to_the_server(new_phone, server):
    status, login = server.api(
        "POST",
        "/api/v1/auth/login",
        body={"username": "canbo", "password": "mat-khau-trinh-duyet", "device_name": "old phone"},
    )
    assert status == 201
    commune = server.units["17000"]
    record = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": commune,
        "kind": "DIEN_HINH",
        "subject_type": "CA_NHAN",
        "name": "Xóm trưởng vận động giáo dân",
        "field": "QP_AN",
        "person_name": "Nguyễn Phong Lưu",
        "person_position": "Xóm trưởng xóm 3",
        "commune_unit_id": commune,
        "locality": "Xóm 3",
        "start_date": "2019-05-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2016_2020",
        "year_registered": 2020,
        "objective": "Giữ bình yên xứ đạo",
        "method": "Gặp từng gia đình",
        "metrics": [],
        "topic_tags": ["TON_GIAO"],
    }
    entry = {"seq": 1, "op": "put", "table": "models", "base": 0, "data": record, "sent": True}
    session = {
        "token": login["token"],
        "device": login["device"],
        "user": login["user"],
        "signedInAt": 0,
    }

    page = new_phone()
    page.goto("/healthz")
    page.evaluate(CREATE_V1, [session, entry, {**record, "version": 0, "review_status": "NHAP"}])
    page.goto("/#/models")
    # Its user protects the old data with a PIN; it is then carried into their sealed database.
    page.wait_for_selector(".screen-set-pin")
    set_pin(page)
    page.wait_for_selector(f'a[data-id="{record["id"]}"]')
    wait_synced(page)
    assert outbox_count(page) == 0
    user_db = f"sotay-u{login['user']['id']}"
    databases = {d["name"]: d["version"] for d in page.evaluate("() => indexedDB.databases()")}
    assert sorted(databases) == ["sotay-phone", user_db]
    # The user's sealed database is built by the whole ladder: every rung's stores are there.
    assert databases[user_db] == DB_VERSION
    stores = {"evaluations", "criteria_sets", "recognitions", "inspections", "files"}
    assert stores <= set(page.evaluate(STORES, user_db))

    token = server.login("canbo")
    assert [m["name"] for m in server.list("models", token)] == [record["name"]]
    assert page.errors == []
