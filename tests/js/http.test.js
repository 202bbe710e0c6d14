// pwa/js/sync/http.js request: the one answer parsing the app and the uploader share
// (PROTOCOL.md §12.2 chunk PUTs included).
import assert from "node:assert/strict";
import test from "node:test";

import { ApiError, request } from "../../pwa/js/sync/http.js";

/** A fetch answering one canned response and noting what it was asked. */
function fakeFetch(status, body, headers = {}) {
  const calls = [];
  const impl = async (url, init) => {
    calls.push({ url, init });
    return new Response(body, { status, headers });
  };
  return { impl, calls };
}

test("request sends a binary body as given, with the token, and parses the JSON answer", async () => {
  const { impl, calls } = fakeFetch(200, JSON.stringify({ state: "partial", received: [0] }));
  const bytes = new Uint8Array([1, 2, 3]);
  const { status, data } = await request("/api/v1/files/ab/chunks/0", {
    method: "PUT", token: "t0k", body: bytes, fetchImpl: impl,
    headers: { "Content-Type": "application/octet-stream", "X-Chunk-SHA256": "cd" },
  });
  assert.equal(status, 200);
  assert.deepEqual(data, { state: "partial", received: [0] });
  assert.equal(calls[0].init.method, "PUT");
  assert.equal(calls[0].init.body, bytes);
  assert.equal(calls[0].init.headers.Authorization, "Bearer t0k");
  assert.equal(calls[0].init.headers["X-Chunk-SHA256"], "cd");
  assert.equal(calls[0].init.cache, "no-store");
});

test("request turns a refusal into an ApiError with the server's code", async () => {
  const body = JSON.stringify({ error: { code: "FILE_CHUNK_HASH", message: "sai", details: { index: 2 } } });
  const { impl } = fakeFetch(422, body);
  await assert.rejects(request("/x", { fetchImpl: impl }), (error) => error instanceof ApiError
    && error.status === 422 && error.code === "FILE_CHUNK_HASH" && error.message === "sai" && error.details.index === 2);
  await assert.rejects(request("/x", { fetchImpl: fakeFetch(502, "<html>").impl }),
    (error) => error instanceof ApiError && error.code === "HTTP_502");
});

test("an aborted fetch is a NETWORK error, or the AbortError itself when asked", async () => {
  const aborting = async () => {
    throw new DOMException("The operation was aborted.", "AbortError");
  };
  await assert.rejects(request("/x", { fetchImpl: aborting }),
    (error) => error instanceof ApiError && error.status === 0 && error.code === "NETWORK");
  await assert.rejects(request("/x", { fetchImpl: aborting, rethrowAbort: true }),
    (error) => !(error instanceof ApiError) && error.name === "AbortError");
  const cut = async () => {
    throw new TypeError("Failed to fetch");
  };
  await assert.rejects(request("/x", { fetchImpl: cut, rethrowAbort: true }),
    (error) => error instanceof ApiError && error.code === "NETWORK");
});
