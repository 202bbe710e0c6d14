"""Upload one photo the way a phone does, over whatever link it runs on, and print the cost.

Run by ``bench.upload`` inside the client namespace of an emulated link:

    python -m bench.upload_driver --url http://10.77.0.1:8000 --photo a.jpg [--in-flight 2]
        [--cuts 3 --seed 1 --cut-within 60]

Signs in, syncs a model that declares the photo (records first, PROTOCOL.md §12), then
uploads it with sync.uploads and times only the upload. With --cuts, a timer breaks the
client's connections at seeded random moments within --cut-within seconds; the client asks
the server what it holds and resumes. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import threading
import time
from pathlib import Path

from bench.live import LIVE_PASSWORD
from bench.sync_loopback import make_model
from sync.client import SyncClient
from sync.uploads import Uploader, UploadTarget

REQUEST_TIMEOUT_S = 120.0


def _cutter(uploader: Uploader, moments: list[float], started: float, stop: threading.Event):
    for moment in moments:
        if stop.wait(max(0.0, started + moment - time.monotonic())):
            return
        uploader.cut()


def run(url: str, username: str, photo: Path, in_flight: int, cuts: int, seed: int, within: float):
    """Declare the photo on a new model, upload it, and return what it cost."""
    data = photo.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    client = SyncClient(url)
    login = client.login(username, LIVE_PASSWORD, device_name="bench upload")
    unit_id = login["user"]["unit"]["id"]
    model = make_model(random.Random(seed), unit_id)
    model["attachments"] = [
        {
            "sha256": sha,
            "kind": "ANH",
            "mime": "image/jpeg",
            "size": len(data),
            "caption": "Ảnh: bench",
            "file_name": photo.name,
            "captured_at": None,
        }
    ]
    client.create("models", model)
    client.sync()
    client.transport.close()
    uploader = Uploader(url, client.token or "", timeout=REQUEST_TIMEOUT_S, in_flight=in_flight)
    rng = random.Random(seed)
    moments = sorted(rng.uniform(2.0, within) for _ in range(cuts))
    stop = threading.Event()
    started = time.monotonic()
    cutter = threading.Thread(target=_cutter, args=(uploader, moments, started, stop), daemon=True)
    cutter.start()
    try:
        report = uploader.upload(UploadTarget("models", model["id"], data), max_failures=50)
    finally:
        stop.set()
        uploader.close()
    return {
        "size": report.size,
        "chunk_size": report.chunk_size,
        "in_flight": in_flight,
        "seconds": report.seconds,
        "requests": report.requests,
        "cuts_planned": moments,
        "cuts_seen": report.cuts,
        "chunks_resent": report.chunks_resent,
        "bytes_sent": report.bytes_sent,
        "bytes_resent": report.bytes_resent,
        "state": report.state,
        "errors": report.errors[:20],
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run, print JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.upload_driver")
    parser.add_argument("--url", required=True)
    parser.add_argument("--officer", default="canbo")
    parser.add_argument("--photo", type=Path, required=True)
    parser.add_argument("--in-flight", type=int, default=1)
    parser.add_argument("--cuts", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cut-within", type=float, default=60.0)
    args = parser.parse_args(argv)
    result = run(
        args.url, args.officer, args.photo, args.in_flight, args.cuts, args.seed, args.cut_within
    )
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
