// Local writes: every change to a record and its outbox entry are stored in one transaction,
// so a crash leaves either both or neither. Emits DATA_CHANGED; never touches the DOM.

import { emit, EV } from "../events.js";
import { STEPS, toWire } from "../lib/record-rules.js";
import { placeChange, recordKey } from "../sync/outbox-rules.js";
import { META, RECORD_TABLES, req, STORE, withTx } from "./db.js";

/** @typedef {import("../sync/outbox-rules.js").OutboxEntry} OutboxEntry */

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Queue a change inside an open transaction over OUTBOX and META: collapse it into the record's
 * unsent entry or give it the next seq.
 * @param {IDBTransaction} tx
 * @param {string} key  record key "<table>:<id>"
 * @param {{op: string, table: string, base: number, data: Record<string, any>, meta?: any}} change
 */
async function enqueue(tx, key, change) {
  const outbox = tx.objectStore(STORE.OUTBOX);
  /** @type {OutboxEntry[]} */
  const existing = await req(outbox.index("record").getAll(key));
  existing.sort((a, b) => a.seq - b.seq);
  const placed = placeChange(existing, /** @type {any} */ (change));
  if (placed.kind === "replace") {
    await req(outbox.put({ ...placed.entry, meta: change.meta ?? placed.entry.meta, at: Date.now() }));
    return placed.entry.seq;
  }
  const meta = tx.objectStore(STORE.META);
  const seq = (await req(meta.get(META.NEXT_SEQ))) || 1;
  await req(meta.put(seq + 1, META.NEXT_SEQ));
  await req(outbox.put({ ...change, seq, record: key, at: Date.now() }));
  return seq;
}

function changed(tables, ids) {
  emit(EV.DATA_CHANGED, { tables, ids });
}

/**
 * Save a record typed on the phone: a create (all fields) or an edit (the changed fields).
 * A record whose last edit was refused sends the refused values again with the new ones.
 * @param {"models"|"meetings"} table
 * @param {Record<string, any>} values  the whole record as the form holds it
 * @returns {Promise<{saved: boolean, record: Record<string, any>}>}
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
      data = wire; // a create: every field (also when the server refused our create)
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
      ...wire,
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

/**
 * Delete a record (a tombstone once synced).
 * @param {"models"|"meetings"} table
 * @param {string} id
 */
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

/**
 * Queue a workflow step (submit, withdraw, cancel, approve, return, reopen).
 * @param {"models"|"meetings"} table
 * @param {string} id
 * @param {string} action
 * @param {string} [comment]
 */
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
 * Choose how a conflict ends: KEEP_KEPT (the server's value) or RESTORE_LOST (mine).
 * @param {string} conflictId
 * @param {"KEEP_KEPT"|"RESTORE_LOST"} resolution
 */
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
  changed([STORE.CONFLICTS, STORE.OUTBOX, "models", "meetings"], recordId ? [recordId] : []);
}

/**
 * Forget a sync error on a record. With discard, also drop the refused values; the caller
 * then fetches the server's copy (storeServerCopy) when online.
 * @param {"models"|"meetings"} table
 * @param {string} id
 * @param {boolean} [discard]
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

/** @returns {Promise<OutboxEntry[]>} */
export function outboxEntries() {
  return withTx([STORE.OUTBOX], "readonly", (tx) => req(tx.objectStore(STORE.OUTBOX).getAll()));
}

/**
 * Everything not yet on the server, for the export file.
 * @returns {Promise<{outbox: OutboxEntry[], records: Record<string, any>[], conflicts: any[]}>}
 */
export async function unsyncedData() {
  return withTx([STORE.OUTBOX, STORE.MODELS, STORE.MEETINGS, STORE.CONFLICTS], "readonly", async (tx) => {
    const outbox = await req(tx.objectStore(STORE.OUTBOX).getAll());
    const keys = new Set(outbox.map((e) => e.record));
    const records = [];
    for (const table of [STORE.MODELS, STORE.MEETINGS]) {
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
