"""The Python upload client against a stand-in §12 server: resume, cuts, refusals (PROTOCOL.md §12)."""

import hashlib
import itertools
import random

import pytest

from bench.live import FaultProxy
from sync.uploads import (
    Uploader,
    UploadHttpError,
    UploadTarget,
    chunk_count,
    chunk_range,
    missing_chunks,
)
from tests.upload_cuts import CutPlan, StandInServer, cut_upload, explain

pytestmark = pytest.mark.no_database  # a stand-in server, no database

CHUNK = 16 * 1024
SIZE = 20 * CHUNK + 123  # a short last chunk


def _data(seed: int = 1, size: int = SIZE) -> bytes:
    return random.Random(seed).randbytes(size)  # noqa: S311 - test data, not secrets


def test_chunks_cover_the_file_once_in_order_protocol_12():
    """§12: chunk i is [i*chunk, min(size, (i+1)*chunk)); the ranges tile the file."""
    ranges = [chunk_range(i, SIZE, CHUNK) for i in range(chunk_count(SIZE, CHUNK))]
    assert ranges[0] == (0, CHUNK) and ranges[-1] == (20 * CHUNK, SIZE)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    assert missing_chunks(SIZE, CHUNK, [0, 5, 20]) == [i for i in range(21) if i not in (0, 5, 20)]


@pytest.mark.parametrize("in_flight", [1, 2])
def test_upload_resumes_from_the_servers_received_protocol_12(in_flight):
    """§12: chunks the server already holds are never sent again."""
    data = _data()
    sha = hashlib.sha256(data).hexdigest()
    with StandInServer({sha: SIZE}, CHUNK) as server:
        for i in (0, 3, 4, 20):
            server.chunks[sha][i] = data[slice(*chunk_range(i, SIZE, CHUNK))]
        uploader = Uploader(f"http://127.0.0.1:{server.port}", "t", in_flight=in_flight)
        report = uploader.upload(UploadTarget("models", "r", data))
        uploader.close()
        assert server.complete[sha] == data
        assert sorted(report.chunk_sends) == [i for i in range(21) if i not in (0, 3, 4, 20)]
        assert report.chunks_resent == 0 and report.state == "complete"


def test_a_refused_file_raises_its_code_protocol_12():
    """§12: a coded refusal stops the file with the server's code (no retry loop)."""
    data = _data()
    wrong = "0" * 64  # declared under another hash: the assembled file cannot match
    with StandInServer({wrong: SIZE}, CHUNK) as server:
        uploader = Uploader(f"http://127.0.0.1:{server.port}", "t")
        with pytest.raises(UploadHttpError) as caught:
            uploader.upload(UploadTarget("models", "r", data, sha256=wrong))
        uploader.close()
        assert caught.value.code == "FILE_HASH_MISMATCH"
        assert wrong not in server.complete


@pytest.mark.parametrize("seed", range(8))
def test_cut_upload_resends_at_most_one_chunk_per_cut_protocol_12(seed):
    """§12: cut at seeded random points, the upload ends with the exact file, one chunk per cut."""
    data = _data(seed)
    sha = hashlib.sha256(data).hexdigest()
    plan = CutPlan.make(seed, cuts=5, span=chunk_count(SIZE, CHUNK))
    with StandInServer({sha: SIZE}, CHUNK) as server, FaultProxy(server.port) as proxy:
        uploader = Uploader(proxy.url, "t")
        try:
            report, faulted = cut_upload(proxy, uploader, UploadTarget("models", "r", data), plan)
        finally:
            uploader.close()
        why = explain(plan, report, faulted)
        assert faulted, f"the plan cut no chunk: {why}"
        assert server.complete.get(sha) == data, why
        assert report.chunks_resent <= len(faulted), why
        assert report.bytes_resent <= len(faulted) * CHUNK, why
