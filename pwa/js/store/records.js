// Every write to the local store: the user's changes (each with its outbox entry, in one
// transaction) and the storage half of a sync. Emits DATA_CHANGED; never touches the DOM.

import { emit, EV } from "../events.js";
import { STEPS, toWire, withDefaults } from "../lib/record-rules.js";
import { applyResponseTo, enqueueTo, mergePulled, recordKey, renumber, selectBatch } from "../sync/protocol.js";
import { ALL_STORES, META, RECORD_TABLES, req, STORE, withTx } from "./db.js";

/** @typedef {import("../sync/protocol.js").OutboxEntry} OutboxEntry */

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Queue a change inside an open transaction over OUTBOX and META: collapse it into the record's
 * unsent entry or give it the next seq.
 */
function enqueue(tx, key, change) {
  const outbox = tx.objectStore(STORE.OUTBOX);
  const meta = tx.objectStore(STORE.META);
  return enqueueTo({
    entriesOf: (k) => req(outbox.index("record").getAll(k)),
    putOutbox: (entry) => req(outbox.put(entry)),
    nextSeq: async () => (await req(meta.get(META.NEXT_SEQ))) || 1,
    setNextSeq: (seq) => req(meta.put(seq, META.NEXT_SEQ)),
  }, key, change);
}

function changed(tables, ids) {
  emit(EV.DATA_CHANGED, { tables, ids });
}

/**
 * Save a record typed on the phone: a create (all fields) or an edit (the changed fields).
 * A record whose last edit was refused sends the refused values again with the new ones.
 */
export async function saveRecord(table, values) {
  const wire = toWire(table, values);
  const key = recordKey(table, wire.id);
  const result = await withTx([table, STORE.OUTBOX, STORE.META], "readwrite", async (tx) => {
    const store = tx.objectStore(table);
    const existing = await req(store.get(wire.id));
    const meta = { ...((existing && existing._local) || {}) };
    const rejected = meta.rejected;
    let data;
    let base;
    if (!existing || !existing.version || (rejected && rejected.base === 0)) {
      // A create: every field, defaults filled (also when the server refused our create).
      data = withDefaults(table, wire);
      base = 0;
    } else {
      data = { id: wire.id };
      for (const [name, value] of Object.entries(wire)) {
        if (name !== "id" && !same(existing[name], value)) data[name] = value;
      }
      if (rejected) data = { ...rejected.data, ...data };
      base = existing.version;
    }
    if (Object.keys(data).length <= 1 && !rejected) return { saved: false, record: existing };
    delete meta.rejected;
    delete meta.error;
    const record = {
      review_status: "NHAP",
      version: 0,
      deleted: false,
      ...(existing || {}),
      ...(base === 0 ? data : wire),
      updated_at_local: Date.now(),
    };
    if (Object.keys(meta).length) record._local = meta;
    else delete record._local;
    await req(store.put(record));
    await enqueue(tx, key, { op: "put", table, base, data });
    return { saved: true, record };
  });
  if (result.saved) changed([table, STORE.OUTBOX], [wire.id]);
  return result;
}

/** Delete a record (a tombstone once synced). */
export async function deleteRecord(table, id) {
  await withTx([table, STORE.OUTBOX, STORE.META], "readwrite", async (tx) => {
    const store = tx.objectStore(table);
    const existing = await req(store.get(id));
    if (!existing) return;
    await req(store.put({ ...existing, deleted: true }));
    await enqueue(tx, recordKey(table, id), {
      op: "delete", table, base: existing.version || 0, data: { id },
    });
  });
  changed([table, STORE.OUTBOX], [id]);
}

/** Queue a workflow step (submit, withdraw, cancel, approve, return, reopen). */
export async function reviewRecord(table, id, action, comment) {
  await withTx([table, STORE.OUTBOX, STORE.META], "readwrite", async (tx) => {
    const store = tx.objectStore(table);
    const existing = await req(store.get(id));
    if (!existing) return;
    // Show the step's outcome at once; the server's copy replaces it after the sync.
    await req(store.put({ ...existing, review_status: STEPS[action].target }));
    const data = { id, action };
    if (comment) data.comment = comment;
    await enqueue(tx, recordKey(table, id), { op: "review", table, base: existing.version || 0, data });
  });
  changed([table, STORE.OUTBOX], [id]);
}

/**
 * Take one review step on several records at once, in one local transaction: each record still
 * gets its own queued decision, which the server audits one by one.
 * @param {{table: string, id: string}[]} items
 */
export async function reviewRecords(items, action, comment) {
  const tables = [...new Set(items.map((i) => i.table))];
  const done = [];
  await withTx([...tables, STORE.OUTBOX, STORE.META], "readwrite", async (tx) => {
    for (const { table, id } of items) {
      const store = tx.objectStore(table);
      const existing = await req(store.get(id));
      if (!existing) continue;
      await req(store.put({ ...existing, review_status: STEPS[action].target }));
      const data = { id, action };
      if (comment) data.comment = comment;
      await enqueue(tx, recordKey(table, id), { op: "review", table, base: existing.version || 0, data });
      done.push(id);
    }
  });
  changed([...tables, STORE.OUTBOX], done);
  return done.length;
}

/** Choose how a conflict ends: KEEP_KEPT (the server's value) or RESTORE_LOST (mine). */
export async function resolveConflict(conflictId, resolution) {
  let recordId = null;
  await withTx([STORE.CONFLICTS, STORE.OUTBOX, STORE.META, ...RECORD_TABLES], "readwrite", async (tx) => {
    const conflicts = tx.objectStore(STORE.CONFLICTS);
    const conflict = await req(conflicts.get(conflictId));
    if (!conflict) return;
    recordId = conflict.record_id;
    await req(conflicts.put({ ...conflict, local_resolution: resolution }));
    if (resolution === "RESTORE_LOST" && RECORD_TABLES.includes(conflict.table)) {
      const store = tx.objectStore(conflict.table);
      const record = await req(store.get(conflict.record_id));
      if (record) await req(store.put({ ...record, [conflict.field]: conflict.lost_value }));
    }
    await enqueue(tx, recordKey(conflict.table, conflict.record_id), {
      op: "resolve",
      table: "conflicts",
      base: 0,
      data: { id: conflictId, resolution },
      meta: { field: conflict.field, lost_value: conflict.lost_value },
    });
  });
  changed([STORE.CONFLICTS, STORE.OUTBOX, ...RECORD_TABLES], recordId ? [recordId] : []);
}

/** Forget a record's sync error; discard also drops refused values (then storeServerCopy).
 */
export async function dismissError(table, id, discard = false) {
  await withTx([table], "readwrite", async (tx) => {
    const store = tx.objectStore(table);
    const existing = await req(store.get(id));
    if (!existing || !existing._local) return;
    const meta = { ...existing._local };
    if (meta.rejected && !discard) return;
    delete meta.error;
    delete meta.rejected;
    const record = { ...existing };
    if (Object.keys(meta).length) record._local = meta;
    else delete record._local;
    await req(store.put(record));
  });
  changed([table], [id]);
}

/** Everything not yet on the server, for the export file. */
export async function unsyncedData() {
  return withTx([STORE.OUTBOX, ...RECORD_TABLES, STORE.CONFLICTS], "readonly", async (tx) => {
    const outbox = await req(tx.objectStore(STORE.OUTBOX).getAll());
    const keys = new Set(outbox.map((e) => e.record));
    const records = [];
    for (const table of RECORD_TABLES) {
      for (const record of await req(tx.objectStore(table).getAll())) {
        if (keys.has(recordKey(table, record.id)) || (record._local && record._local.error)) {
          records.push({ table, ...record });
        }
      }
    }
    const conflicts = (await req(tx.objectStore(STORE.CONFLICTS).getAll())).filter((c) => !c.resolved_at);
    return { outbox, records, conflicts };
  });
}

// --- the storage half of a sync: one transaction per step, never awaiting the network ---

async function sortedOutbox(tx) {
  // Keyed by seq: getAll returns seq order.
  return /** @type {OutboxEntry[]} */ (await req(tx.objectStore(STORE.OUTBOX).getAll()));
}

/** Take the next batch and mark it sent: never collapsed again until acknowledged.
 */
export function takeBatch(max) {
  return withTx([STORE.OUTBOX, STORE.META], "readwrite", async (tx) => {
    const outbox = await sortedOutbox(tx);
    const batch = selectBatch(outbox, max);
    const store = tx.objectStore(STORE.OUTBOX);
    for (const entry of batch) {
      if (!entry.sent) {
        entry.sent = true;
        await req(store.put(entry));
      }
    }
    const cursor = (await req(tx.objectStore(STORE.META).get(META.CURSOR))) || 0;
    const scope = (await req(tx.objectStore(STORE.META).get(META.SCOPE))) ?? null;
    return { batch, outboxSize: outbox.length, cursor, scope };
  });
}

/** After 409 SEQ_GAP: renumber the whole outbox from expectedSeq, in order (§4.5). */
export function renumberOutbox(expectedSeq) {
  return withTx([STORE.OUTBOX, STORE.META], "readwrite", async (tx) => {
    const store = tx.objectStore(STORE.OUTBOX);
    const outbox = await sortedOutbox(tx);
    await req(store.clear());
    const renumbered = renumber(outbox, expectedSeq);
    for (const entry of renumbered) await req(store.put(entry));
    await req(tx.objectStore(STORE.META).put(expectedSeq + renumbered.length, META.NEXT_SEQ));
  });
}

/** A whole response in one transaction: results, changes and cursor together (§5.3), so a
 * reload at any moment loses nothing and repeats at most one page.
 */
export async function applyResponse(response) {
  let result;
  await withTx(ALL_STORES, "readwrite", async (tx) => {
    const store = (name) => tx.objectStore(name);
    /** @type {import("../sync/protocol.js").LocalState} */
    const state = {
      outbox: () => req(store(STORE.OUTBOX).getAll()), // keyed by seq: in seq order
      putOutbox: (entry) => req(store(STORE.OUTBOX).put(entry)),
      dropOutbox: (seq) => req(store(STORE.OUTBOX).delete(seq)),
      get: (table, id) => req(store(table).get(id)),
      all: (table) => req(store(table).getAll()),
      put: (table, value) => req(store(table).put(value)),
      drop: (table, id) => req(store(table).delete(id)),
      clear: (table) => req(store(table).clear()),
      setCursor: async (cursor, scope) => {
        await req(store(STORE.META).put(cursor, META.CURSOR));
        if (scope === null) await req(store(STORE.META).delete(META.SCOPE));
        else await req(store(STORE.META).put(scope, META.SCOPE));
        await req(store(STORE.META).put(Date.now(), META.LAST_SYNC_AT));
      },
    };
    result = await applyResponseTo(state, response);
  });
  const { touched, ...counts } = /** @type {any} */ (result);
  if (touched.length) emit(EV.DATA_CHANGED, { tables: touched, source: "sync" });
  return counts;
}

/** The server's copy of one record, fetched outside a sync, under pending changes.
 */
export async function storeServerCopy(table, incoming) {
  await withTx([table, STORE.OUTBOX], "readwrite", async (tx) => {
    const store = tx.objectStore(table);
    const local = await req(store.get(incoming.id));
    const pending = await req(tx.objectStore(STORE.OUTBOX).index("record").getAll(recordKey(table, incoming.id)));
    pending.sort((a, b) => a.seq - b.seq);
    const merged = mergePulled(local, incoming, pending);
    if (merged) await req(store.put(merged));
  });
  emit(EV.DATA_CHANGED, { tables: [table], ids: [incoming.id] });
}

/** Units known at sign-in, so forms work before the first sync.
 */
export async function storeUnits(units) {
  if (!units.length) return;
  await withTx([STORE.UNITS], "readwrite", async (tx) => {
    const store = tx.objectStore(STORE.UNITS);
    for (const unit of units) {
      const existing = await req(store.get(unit.id));
      await req(store.put({ ...(existing || {}), ...unit }));
    }
  });
  emit(EV.DATA_CHANGED, { tables: [STORE.UNITS] });
}
