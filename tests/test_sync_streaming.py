"""The splitter of a streamed sync body hands out exactly what a whole parse reads (§4.8)."""

import json

import pytest

from sync.streaming import MUTATION, RequestSplitter, UnstreamableError

BODY = {
    "protocol": 1,
    "schema": 2,
    "app_version": "2026.12.4",
    "cursor": 123456789,
    "pending": 0,
    "mutations": [
        {"seq": n, "op": "put", "table": "models", "base": 0, "data": {"id": f"r{n}", "v": 1.5}}
        for n in range(1, 40)
    ]
    + [{"seq": 40, "op": "put", "table": "models", "data": {"id": "x", "t": 'Bản \\" ,]}'}}],
    "limit": 500,
}


def split(text: bytes, piece: int) -> tuple[list, RequestSplitter]:
    splitter = RequestSplitter()
    events = []
    for start in range(0, len(text), piece):
        events += splitter.feed(text[start : start + piece])
    splitter.finish()
    return events, splitter


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 64, 1000, 10**6])
@pytest.mark.parametrize("indent", [None, 2])
def test_every_piece_size_gives_the_whole_parse(piece, indent):
    """Cut anywhere (inside numbers, strings, multibyte characters), the values are the same."""
    text = json.dumps(BODY, ensure_ascii=False, indent=indent).encode()
    events, _ = split(text, piece)
    mutations = [value for key, value in events if key == MUTATION]
    header = {key: value for key, value in events if key != MUTATION}
    assert mutations == BODY["mutations"]
    assert header == {k: v for k, v in BODY.items() if k != "mutations"}


def test_empty_mutations_and_empty_object():
    """An idle request and an empty object are read to their end."""
    events, splitter = split(b'{"protocol":1,"mutations":[],"cursor":0}', 5)
    assert events == [("protocol", 1), ("cursor", 0)]
    assert splitter.done
    assert split(b" {} ", 1)[0] == []


@pytest.mark.parametrize(
    "text",
    [
        b"[1]",
        b'{"mutations":{}}',
        b'{"a":1,"a":2}',
        b'{"mutations":[1,]}',
        b'{"mutations":[,1]}',
        b'{"a":1 "b":2}',
        b'{"a":1}x',
        b'{"a":',
        b'{"a":1,}',
        b"\xff{}",
        b'{"mutations":[{"seq":1}]',
    ],
)
def test_other_shapes_are_left_to_the_whole_parse(text):
    """Anything but the plain shape is refused, at the latest when the body ends."""
    with pytest.raises(UnstreamableError):
        split(text, 3)


def test_a_number_cut_at_the_end_of_a_piece_waits_for_the_rest():
    """`"cursor": 12` then `34,` is 1234, not 12."""
    splitter = RequestSplitter()
    assert splitter.feed(b'{"cursor":12') == []
    assert splitter.feed(b'34,"mutations":[{"seq":1}') == [("cursor", 1234)]
    assert splitter.feed(b"]}") == [(MUTATION, {"seq": 1})]
    splitter.finish()
