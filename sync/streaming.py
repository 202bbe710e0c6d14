"""Split a sync request's JSON text into its top-level values and mutations as it arrives; no I/O.

A push is applied while its body still streams in (PROTOCOL.md §4.8): this splitter hands out
each top-level key with its value and each element of ``mutations`` as soon as its text is
complete. It reads only the plain shape every client sends (one object, ``mutations`` an
array); anything else raises UnstreamableError, and the caller reads the whole body as before and
answers it exactly as it always did. It never decides that a body is malformed.
"""

import codecs
import json
from typing import Any

WHITESPACE = " \t\n\r"
# Consumed text is cut off the buffer once it is this long: not on every value, which would
# copy the rest of the buffer each time.
COMPACT_AT = 64 * 1024


class UnstreamableError(Exception):
    """The text is not in the shape the splitter reads; read the whole body instead."""


class _IncompleteError(Exception):
    """The buffer ends before the next value is whole."""


# A top-level key with its value, or ("mutation", element) for one element of `mutations`.
Event = tuple[str, Any]
MUTATION = "mutation"


class RequestSplitter:
    """Feed UTF-8 bytes in pieces; get the request's values as soon as each is complete."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._json = json.JSONDecoder()
        self._buf = ""
        self._pos = 0
        # start, key, colon, value, after (a top-level value), item, item_sep, done
        self._state = "start"
        self._first = True
        self._key = ""
        self.keys: list[str] = []

    @property
    def done(self) -> bool:
        """Tell whether the closing brace of the request has been read."""
        return self._state == "done"

    def feed(self, data: bytes) -> list[Event]:
        """Take the next piece of the body; return the values it completed."""
        try:
            self._buf += self._decoder.decode(data)
        except UnicodeDecodeError as exc:
            raise UnstreamableError("not UTF-8") from exc
        events: list[Event] = []
        try:
            while self._step(events):
                pass
        except _IncompleteError:
            pass
        if self._pos >= COMPACT_AT:
            self._buf = self._buf[self._pos :]
            self._pos = 0
        return events

    def finish(self) -> None:
        """Check that the body ended right after the request object."""
        if self._decoder.decode(b"", final=True) or not self.done:
            raise UnstreamableError("the body ends before the request does")
        if self._buf[self._pos :].strip(WHITESPACE):
            raise UnstreamableError("text after the request")

    def _peek(self) -> str:
        # The next character that is not whitespace; the buffer may end first.
        buf, pos = self._buf, self._pos
        while pos < len(buf) and buf[pos] in WHITESPACE:
            pos += 1
        self._pos = pos
        if pos >= len(buf):
            raise _IncompleteError
        return buf[pos]

    def _value(self, closers: str) -> Any:
        # A whole JSON value, and the character after it one of closers: a number at the end
        # of the buffer may go on in the next piece.
        start = self._peek()
        if start in closers:
            raise UnstreamableError("a value is missing")
        try:
            value, end = self._json.raw_decode(self._buf, self._pos)
        except ValueError:  # incomplete now; if it never completes, finish() says so
            raise _IncompleteError from None
        except RecursionError as exc:
            raise UnstreamableError("nested too deeply") from exc
        saved, self._pos = self._pos, end
        try:
            if self._peek() not in closers:
                raise UnstreamableError("unexpected character after a value")
        except _IncompleteError:
            self._pos = saved
            raise
        return value

    def _step(self, events: list[Event]) -> bool:
        state = self._state
        if state == "done":
            return False
        char = self._peek()
        if state == "start":
            if char != "{":
                raise UnstreamableError("not an object")
            self._pos += 1
            self._state = "key"
        elif state == "key":
            if char == "}" and self._first:
                self._pos += 1
                self._state = "done"
                return True
            if char != '"':
                raise UnstreamableError("a key is missing")
            self._key = self._value(":")
            self._first = False
            if self._key in self.keys:
                raise UnstreamableError("a key appears twice")
            self.keys.append(self._key)
            self._pos += 1  # the colon
            self._state = "value"
        elif state == "value":
            if self._key == "mutations" and char == "[":
                self._pos += 1
                self._first = True
                self._state = "item"
            elif self._key == "mutations":
                raise UnstreamableError("mutations is not an array")
            else:
                events.append((self._key, self._value(",}")))
                self._state = "after"
        elif state == "after":
            self._pos += 1
            self._state = "key" if char == "," else "done"
        elif state == "item":
            if char == "]" and self._first:
                self._pos += 1
                self._first = False
                self._state = "after"
                return True
            events.append((MUTATION, self._value(",]")))
            self._first = False
            self._state = "item_sep"
        elif state == "item_sep":
            self._pos += 1
            self._state = "item" if char == "," else "after"
        return True
