// Drive pouchdb-server with PouchDB clients, closed loop: one phase, results as JSON on stdout.
//
// Run by bench/peer.py from the folder where it installed pouchdb (NODE_PATH points there):
//   node peer_driver.cjs '{"url": ..., "devices": 50, "phase": "idle", "start": ..., ...}'
// Each device is an in-memory PouchDB replicating with its own remote database (one per
// commune, as CouchDB deployments partition by user). Phases: "idle" (sync with nothing to
// do), "push" (10 new documents, then a two-way sync), "push-only" (10 new documents, then
// replicate.to alone: the push half).
"use strict";

const PouchDB = require("pouchdb");
PouchDB.plugin(require("pouchdb-adapter-memory"));

const options = JSON.parse(process.argv[2]);
const { url, devices, phase, batch, templates } = options;

/**
 * Make a fetch that counts the requests one device's replications make.
 * @param {{requests: number}} counter
 */
function countingFetch(counter) {
  return (target, init) => {
    counter.requests += 1;
    return PouchDB.fetch(target, init);
  };
}

/**
 * Make a device: its local database and its remote one, synced once so the phase starts warm.
 * @param {number} index
 */
async function device(index) {
  const local = new PouchDB(`dev-${index}-${process.pid}`, { adapter: "memory" });
  const counter = { requests: 0 };
  const remote = new PouchDB(`${url}/commune_${index}`, { fetch: countingFetch(counter) });
  await local.sync(remote);
  return { local, remote, index, counter };
}

/**
 * Sync one device back to back until the end; count what it did.
 * @param {{local: any, remote: any, index: number, counter: {requests: number}}} dev
 * @param {number} end
 * @param {object} out
 */
async function loop(dev, end, out) {
  let n = 0;
  while (Date.now() / 1000 < end) {
    if (phase !== "idle") {
      const docs = [];
      for (let i = 0; i < batch; i += 1) {
        const t = templates[(dev.index * 7 + n * batch + i) % templates.length];
        docs.push({ ...t, _id: `${dev.index}-${process.pid}-${n}-${i}` });
      }
      n += 1;
      await dev.local.bulkDocs(docs);
    }
    const began = process.hrtime.bigint();
    const before = dev.counter.requests;
    try {
      const result =
        phase === "push-only" ? await dev.local.replicate.to(dev.remote) : await dev.local.sync(dev.remote);
      const written = phase === "push-only" ? result.docs_written : result.push.docs_written;
      out.latencies.push(Number(process.hrtime.bigint() - began) / 1e9);
      out.syncs += 1;
      out.records += written;
      out.requests += dev.counter.requests - before;
      if (phase !== "idle" && written !== batch) {
        out.errors += 1;
      }
    } catch (err) {
      out.errors += 1;
      if (out.first_errors.length < 3) out.first_errors.push(String(err).slice(0, 200));
    }
  }
}

/**
 * Read the first line of a stream.
 * @param {NodeJS.ReadableStream} stream
 * @returns {Promise<string>}
 */
function firstLine(stream) {
  return new Promise((resolve, reject) => {
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) resolve(text.split("\n", 1)[0]);
    });
    stream.on("error", reject);
  });
}

async function main() {
  const devs = [];
  for (let i = 0; i < devices; i += 1) devs.push(await device(i));
  const out = { syncs: 0, records: 0, errors: 0, requests: 0, latencies: [], first_errors: [] };
  // Every device is set up: the caller answers with the moment to start (seconds since 1970).
  process.stderr.write("ready\n");
  const start = Number(await firstLine(process.stdin));
  const wait = start * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  await Promise.all(devs.map((d) => loop(d, start + options.seconds, out)));
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err));
  process.exit(1);
});
