// pwa/js/sync/download.js: a file download resumed after a cut from the bytes already received
// (PROTOCOL.md §12: one Range, a strong ETag sent back as If-Range).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import test from "node:test";

import { DownloadError, download } from "../../pwa/js/sync/download.js";

const DATA = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 251);
const SHA = createHash("sha256").update(DATA).digest("hex");
const ETAG = `"${SHA}"`;

/**
 * A server holding DATA that cuts its n-th answer after cuts[n] bytes of body (none when absent).
 * @param {number[]} cuts @param {{ignoreRange?: boolean, shift?: number, etag?: string}} [how]
 */
function server(cuts, how = {}) {
  const calls = [];
  const impl = async (url, init) => {
    const headers = init.headers || {};
    calls.push({ url, headers: { ...headers } });
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(headers.Range || "");
    if (range && !how.ignoreRange && headers["If-Range"] === ETAG) {
      start = Number(range[1]) + (how.shift || 0);
      status = 206;
    }
    const body = DATA.slice(start);
    const cut = cuts[calls.length - 1];
    let sent = false;
    // The cut comes on the read after the bytes that got through (error() would drop queued ones).
    const stream = new ReadableStream({
      pull(controller) {
        if (sent) return controller.error(new TypeError("network error"));
        sent = true;
        controller.enqueue(cut === undefined ? body : body.slice(0, cut));
        if (cut === undefined) controller.close();
      },
    });
    const out = { "Content-Type": "image/jpeg", ETag: how.etag ?? ETAG };
    if (status === 206) out["Content-Range"] = `bytes ${start}-${DATA.length - 1}/${DATA.length}`;
    return new Response(stream, { status, headers: out });
  };
  return { impl, calls };
}

const noWait = async () => {};

async function bytes(blob) {
  return new Uint8Array(await blob.arrayBuffer());
}

test("a download cut twice resumes from the bytes received, each byte sent once", async () => {
  const { impl, calls } = server([20_000, 10_000]);
  const blob = await download("/api/v1/files/x", { token: "t0k", sha256: SHA, fetchImpl: impl, sleep: noWait });
  assert.deepEqual(await bytes(blob), DATA);
  assert.equal(blob.type, "image/jpeg");
  assert.equal(calls.length, 3);
  assert.equal(calls[0].headers.Range, undefined);
  assert.equal(calls[1].headers.Range, "bytes=20000-");
  assert.equal(calls[1].headers["If-Range"], ETAG);
  assert.equal(calls[2].headers.Range, "bytes=30000-");
  assert.equal(calls[2].headers.Authorization, "Bearer t0k");
});

test("a server that answers the whole file again is read from the start, not spliced", async () => {
  const { impl, calls } = server([20_000], { ignoreRange: true });
  const blob = await download("/f", { sha256: SHA, fetchImpl: impl, sleep: noWait });
  assert.deepEqual(await bytes(blob), DATA);
  assert.equal(calls.length, 2);
});

test("a range that starts elsewhere than asked is dropped and the file fetched whole", async () => {
  const { impl, calls } = server([20_000], { shift: 5 });
  const blob = await download("/f", { sha256: SHA, fetchImpl: impl, sleep: noWait });
  assert.deepEqual(await bytes(blob), DATA);
  assert.equal(calls.length, 3);
  assert.equal(calls[2].headers.Range, undefined);
});

test("without a strong ETag a cut download starts again from the first byte", async () => {
  const { impl, calls } = server([20_000], { etag: `W/${ETAG}` });
  const blob = await download("/f", { sha256: SHA, fetchImpl: impl, sleep: noWait });
  assert.deepEqual(await bytes(blob), DATA);
  assert.equal(calls[1].headers.Range, undefined);
});

test("bytes that do not hash to the file's sha256 are refused", async () => {
  const { impl } = server([]);
  await assert.rejects(download("/f", { sha256: "0".repeat(64), fetchImpl: impl, sleep: noWait }),
    (error) => error instanceof DownloadError && error.code === "FILE_CORRUPT");
});

test("an HTTP error is not retried; cuts beyond the attempts give up with NETWORK", async () => {
  const calls = [];
  const missing = async (url) => {
    calls.push(url);
    return new Response('{"error": {"code": "FILE_NOT_FOUND"}}', { status: 404 });
  };
  await assert.rejects(download("/f", { fetchImpl: missing, sleep: noWait }),
    (error) => error instanceof DownloadError && error.code === "HTTP_404" && error.status === 404);
  assert.equal(calls.length, 1);

  const waits = [];
  const { impl, calls: tries } = server([1000, 1000, 1000]);
  await assert.rejects(download("/f", { fetchImpl: impl, attempts: 3, sleep: async (ms) => { waits.push(ms); } }),
    (error) => error instanceof DownloadError && error.code === "NETWORK");
  assert.equal(tries.length, 3);
  assert.deepEqual(waits, [1000, 2000]);
});
