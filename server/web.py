"""Serve the PWA's files with the right caching, compression and security headers."""

import gzip
import hashlib
import mimetypes
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request
from flask.typing import ResponseReturnValue

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".json", ".webmanifest", ".svg", ".txt"}

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

bp = Blueprint("web", __name__)
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")

# (path, mtime_ns) -> (raw bytes, gzip bytes, etag): each asset is compressed once per version.
_cache: dict[tuple[str, int], tuple[bytes, bytes, str]] = {}


def strip_comments(text: str, *, js: bool) -> str:
    """Drop whole-line comments and blank lines from JavaScript or CSS.

    The app shell must fit a 2G budget and a third of its source is documentation. Only lines
    that are nothing but a comment go; a file where that cannot be told safely (a template
    literal across lines, a block comment ending mid-line) is served as written.
    """
    kept, in_block = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if in_block:
            if "*/" in stripped:
                if not stripped.endswith("*/"):
                    return text
                in_block = False
            continue
        if stripped.startswith("/*"):
            if "*/" not in stripped:
                in_block = True
                continue
            if stripped.endswith("*/") and stripped.count("*/") == 1:
                continue
            return text
        if not stripped or (js and stripped.startswith("//")):
            continue
        if js and line.count("`") % 2:
            return text
        kept.append(line)
    return "\n".join(kept) + "\n"


def _load(path: Path) -> tuple[bytes, bytes, str]:
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _cache:
        raw = path.read_bytes()
        if path.suffix in (".js", ".mjs", ".css"):
            raw = strip_comments(raw.decode("utf-8"), js=path.suffix != ".css").encode("utf-8")
        packed = gzip.compress(raw, compresslevel=9, mtime=0)
        _cache[key] = (raw, packed, '"' + hashlib.sha256(raw).hexdigest()[:32] + '"')
    return _cache[key]


def _serve(relative: str) -> Response:
    # PWA_DIR in the config serves another copy of the app (tests deploy a new version that way).
    root = Path(current_app.config.get("PWA_DIR") or PWA_DIR).resolve()
    try:
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file() or path.name.startswith("."):
            abort(404)
    except (ValueError, OSError):
        # A NUL, a name too long for the file system, a surrogate it cannot encode: no such file.
        abort(404)
    raw, packed, etag = _load(path)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if request.if_none_match and etag.strip('"') in request.if_none_match:
        response = Response(status=304)
    elif path.suffix in COMPRESSIBLE and "gzip" in (request.headers.get("Accept-Encoding") or ""):
        response = Response(packed, mimetype=mime)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(raw, mimetype=mime)
    response.headers["ETag"] = etag
    response.headers["Vary"] = "Accept-Encoding"
    if relative == "sw.js":
        # The browser must always see a new service worker the moment it is deployed.
        response.headers["Cache-Control"] = "no-cache, max-age=0"
        response.headers["Service-Worker-Allowed"] = "/"
    elif request.args.get("v"):
        # Versioned URLs never change content: cache them for a year.
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/")
def index():
    return _serve("index.html")


@bp.get("/<path:relative>")
def asset(relative: str) -> ResponseReturnValue:
    if relative.startswith("api/"):
        abort(404)
    return _serve(relative)


# Responses a browser may render as a document or run as a worker: these carry the CSP.
PAGE_TYPES = {"text/html", "application/xhtml+xml", "image/svg+xml"}


def _renders_as_page(response: Response) -> bool:
    if response.status_code == 304:
        return False  # a revalidation: the cached response keeps the headers it came with
    if request.path == "/sw.js":
        return True  # a worker's CSP comes from its own script's response
    return response.mimetype in PAGE_TYPES or not response.mimetype


def init_security_headers(app: Flask) -> None:
    """Send a strict Content-Security-Policy and related headers on every response."""

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        if not _renders_as_page(response):
            # Scripts, styles, images and JSON are never rendered as a page (nosniff sees to
            # that), so the page-only headers below would protect nothing, yet they cost ~330
            # bytes a response: more than an idle sync's whole body, and 14 KB of a phone's
            # first visit on 2G.
            return response
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
