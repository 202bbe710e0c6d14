// A file from the server, resumed after a cut (PROTOCOL.md §12): on 2G a photo is a minute of
// transfer, and starting again from byte 0 after every drop may never finish. The server answers
// one byte range and names the file by a strong ETag; sent back as If-Range, it makes a range of
// any other content come whole, so the bytes kept are never spliced onto the wrong file.

const RETRY_MS = [1000, 2000, 4000, 8000];

export class DownloadError extends Error {
  /** @param {string} code HTTP_<status>, FILE_CORRUPT or NETWORK @param {number} status */
  constructor(code, status = 0) {
    super(code);
    this.code = code;
    this.status = status;
  }
}

/**
 * Download a file, resuming from the bytes already received after a network error.
 * @param {string} url
 * @param {{token?: string|null, sha256?: string|null, type?: string, attempts?: number,
 *   fetchImpl?: typeof fetch, sleep?: (ms: number) => Promise<void>}} [options]
 *   sha256: the whole file's hash, checked at the end (thumbnails have none); attempts: requests
 *   in all; fetchImpl and sleep replace fetch and the wait between tries (tests).
 * @returns {Promise<Blob>} rejects with DownloadError
 */
export async function download(url, options = {}) {
  const doFetch = options.fetchImpl || ((input, init) => fetch(input, init));
  const sleep = options.sleep || ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const attempts = options.attempts || RETRY_MS.length + 1;
  /** @type {BlobPart[]} */
  let parts = [];
  let received = 0;
  let etag = null;
  let type = options.type || "";
  for (let attempt = 0; ; attempt += 1) {
    /** @type {Record<string, string>} */
    const headers = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (received && etag) {
      headers.Range = `bytes=${received}-`;
      headers["If-Range"] = etag;
    }
    try {
      const response = await doFetch(url, { headers, credentials: "omit", cache: "no-store" });
      const resumed = response.status === 206 && startsAt(response, received);
      if (!resumed && (response.status === 206 || (response.status === 416 && received))) {
        // Not the bytes asked for: start again from the first byte (one more try).
        if (response.body) await response.body.cancel().catch(() => {});
        parts = [];
        received = 0;
        etag = null;
        throw new DownloadError("NETWORK");
      }
      if (response.status === 200) {
        parts = []; // whole: the server ignored the range, or the content is not what we hold
        received = 0;
      } else if (!resumed) {
        if (response.body) await response.body.cancel().catch(() => {});
        throw new DownloadError(`HTTP_${response.status}`, response.status);
      }
      etag = strongEtag(response.headers.get("ETag"));
      type = response.headers.get("Content-Type") || type;
      if (!response.body) throw new DownloadError("NETWORK");
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        received += value.byteLength;
      }
      break;
    } catch (error) {
      if (error instanceof DownloadError && error.code !== "NETWORK") throw error;
      if (attempt + 1 >= attempts) throw new DownloadError("NETWORK");
      await sleep(RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]);
    }
  }
  const blob = new Blob(parts, { type });
  if (options.sha256 && (await hexDigest(blob)) !== options.sha256) throw new DownloadError("FILE_CORRUPT");
  return blob;
}

/** Tell whether a 206 answer starts at the byte asked for. */
function startsAt(response, start) {
  const match = /^bytes (\d+)-\d+\/\d+$/.exec(response.headers.get("Content-Range") || "");
  return Boolean(match) && Number(match[1]) === start;
}

/** The ETag if strong (If-Range matches only a strong one), else null: the retry asks whole. */
function strongEtag(value) {
  return value && !value.startsWith("W/") ? value : null;
}

async function hexDigest(blob) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
