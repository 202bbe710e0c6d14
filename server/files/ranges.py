"""Byte ranges of a stored file (RFC 9110 §14): a download cut on 2G resumes where it stopped."""

from flask import Request

from server.errors import ApiError


def window(request: Request, etag: str, length: int) -> tuple[int, int] | None:
    """Return the [start, end) the request asks of a representation, or None for all of it.

    Several ranges, another unit, a malformed header or an `If-Range` naming anything but this
    strong ETag get the whole file, as RFC 9110 allows; one range wholly past the end is
    refused `416 FILE_RANGE_NOT_SATISFIABLE`.
    """
    wanted = request.range
    if wanted is None or wanted.units != "bytes" or len(wanted.ranges) != 1:
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != f'"{etag}"':
        return None  # changed or weakly named: an If-Range date is never a match here
    start, end = wanted.ranges[0]
    if end is None and start < 0:  # the last -start bytes
        start, end = max(0, length + start), length
    end = length if end is None else min(end, length)
    if not 0 <= start < end:
        raise ApiError("FILE_RANGE_NOT_SATISFIABLE", {"size": length})
    return start, end
