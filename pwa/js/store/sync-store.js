// The storage half of a sync: take a batch, store a response, renumber, reset. Each step is one
// transaction; the network is never awaited inside one. Emits DATA_CHANGED.

import { emit, EV } from "../events.js";
import { recordKey, renumber, selectBatch } from "../sync/outbox-rules.js";
import { applyOutcome, mergePulled, planResults } from "../sync/response.js";
import { ALL_STORES, META, RECORD_TABLES, req, STORE, withTx } from "./db.js";

/** @typedef {import("../sync/outbox-rules.js").OutboxEntry} OutboxEntry */

/** Group outbox entries by record key. */
function byRecord(outbox) {
  /** @type {Map<string, OutboxEntry[]>} */
  const map = new Map();
  for (const entry of outbox) {
    const list = map.get(entry.record);
    if (list) list.push(entry);
    else map.set(entry.record, [entry]);
  }
  return map;
}

async function sortedOutbox(tx) {
  // The store's key is seq: getAll returns entries in seq order.
  return /** @type {OutboxEntry[]} */ (await req(tx.objectStore(STORE.OUTBOX).getAll()));
}

/**
 * Pick the next batch and mark it sent (from now on it is never collapsed again: its seq and
 * content are fixed until the server acknowledges it).
 * @param {number} max
 * @returns {Promise<{batch: OutboxEntry[], outboxSize: number, cursor: number}>}
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
    return { batch, outboxSize: outbox.length, cursor };
  });
}

/**
 * After 409 SEQ_GAP: renumber the whole outbox from expectedSeq, in order (§4.5).
 * @param {number} expectedSeq
 */
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

/**
 * Store a whole response in one transaction: results, pulled changes and the new cursor
 * together (§5.3), so a reload at any moment loses nothing and repeats at most one page.
 * @param {any} response
 * @returns {Promise<{received: number, removedFromOutbox: number}>}
 */
export async function applyResponse(response) {
  const changes = response.changes || {};
  const touched = new Set();
  const result = await withTx(ALL_STORES, "readwrite", async (tx) => {
    const outboxStore = tx.objectStore(STORE.OUTBOX);
    const meta = tx.objectStore(STORE.META);
    let outbox = await sortedOutbox(tx);
    const plan = planResults(outbox, response);

    // 1. Outcomes on the local records (versions, errors, refused values).
    for (const outcome of plan.outcomes) {
      if (!RECORD_TABLES.includes(outcome.table)) continue;
      const store = tx.objectStore(outcome.table);
      const local = await req(store.get(outcome.id));
      if (!local) continue;
      await req(store.put(applyOutcome(local, outcome)));
      touched.add(outcome.table);
    }
    // 2. Acknowledged mutations leave; later ones of the same records get their new base.
    for (const seq of plan.done) await req(outboxStore.delete(seq));
    const rebased = new Map(plan.rebase.map((r) => [r.seq, r.base]));
    const done = new Set(plan.done);
    outbox = outbox.filter((e) => !done.has(e.seq));
    for (const entry of outbox) {
      if (rebased.has(entry.seq)) {
        entry.base = /** @type {number} */ (rebased.get(entry.seq));
        await req(outboxStore.put(entry));
      }
    }
    if (plan.done.length) touched.add(STORE.OUTBOX);

    // 3. A changed scope: drop everything pulled before, keep local work (§5.4).
    const pending = byRecord(outbox);
    if (response.reset) {
      for (const table of RECORD_TABLES) {
        const store = tx.objectStore(table);
        for (const record of await req(store.getAll())) {
          const hasWork = pending.has(recordKey(table, record.id)) || (record._local && record._local.rejected);
          if (!hasWork) await req(store.delete(record.id));
        }
        touched.add(table);
      }
      await req(tx.objectStore(STORE.UNITS).clear());
      await req(tx.objectStore(STORE.CONFLICTS).clear());
    }

    // 4. Pulled changes, merged under pending local values (§5.6).
    let received = 0;
    for (const unit of changes.units || []) {
      await req(tx.objectStore(STORE.UNITS).put(unit));
      received += 1;
      touched.add(STORE.UNITS);
    }
    for (const table of RECORD_TABLES) {
      const store = tx.objectStore(table);
      for (const incoming of changes[table] || []) {
        received += 1;
        const local = await req(store.get(incoming.id));
        const merged = mergePulled(local, incoming, pending.get(recordKey(table, incoming.id)) || []);
        if (merged) await req(store.put(merged));
        else if (local) await req(store.delete(incoming.id));
        touched.add(table);
      }
      for (const id of (changes.removed && changes.removed[table]) || []) {
        if (!pending.has(recordKey(table, id))) await req(store.delete(id));
        touched.add(table);
      }
    }
    const conflicts = tx.objectStore(STORE.CONFLICTS);
    for (const conflict of changes.conflicts || []) {
      received += 1;
      const local = await req(conflicts.get(conflict.id));
      // A choice made on the phone and not yet sent stays visible until the server confirms.
      const next = local && local.local_resolution && !conflict.resolved_at
        ? { ...conflict, local_resolution: local.local_resolution }
        : conflict;
      await req(conflicts.put(next));
      touched.add(STORE.CONFLICTS);
    }

    // 5. The cursor, with the changes it covers.
    if (typeof response.cursor === "number") await req(meta.put(response.cursor, META.CURSOR));
    await req(meta.put(Date.now(), META.LAST_SYNC_AT));
    return { received, removedFromOutbox: plan.done.length };
  });
  if (touched.size) emit(EV.DATA_CHANGED, { tables: [...touched], source: "sync" });
  return result;
}

/**
 * Store the server's copy of one record fetched outside a sync (e.g. after discarding refused
 * values), merged under any pending changes.
 * @param {"models"|"meetings"} table
 * @param {Record<string, any>} incoming
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

/**
 * Store units known at sign-in (the user's own unit and what the API lists), so forms work
 * before the first sync.
 * @param {any[]} units
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
