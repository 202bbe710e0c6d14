"""Check an assembled file before it is ever served: its type from its bytes, its pixels."""

import io
import warnings

from server.errors import ApiError

THUMB_EDGE = 320
# What the bytes must begin with for each allowed type (WebP: "RIFF", size, "WEBP").
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def sniff(data: bytes) -> str | None:
    """Return the allowed type the bytes are, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def check_type(data: bytes, declared: str) -> None:
    """Refuse bytes that are not the declared type (FILE_TYPE_MISMATCH)."""
    found = sniff(data)
    if found != declared:
        raise ApiError("FILE_TYPE_MISMATCH", {"declared": declared, "found": found})


def thumbnail(data: bytes, mime: str, max_pixels: int) -> bytes:
    """Open an image within the pixel limit, decode it whole and return its JPEG thumbnail.

    The size is read from the header before any pixel is decoded, so a small file that would
    expand to gigabytes (a decompression bomb) is refused without being expanded.
    """
    # Pillow is imported by the processes that store photos, not by every server process.
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[PIL_FORMATS[mime]])
            width, height = image.size
            if width * height > max_pixels:
                raise ApiError(
                    "IMAGE_TOO_LARGE",
                    {"width": width, "height": height, "max_pixels": max_pixels},
                )
            image.load()  # a truncated or corrupt image fails here, not when served
            # Turned as the camera held it: a photo from the gallery may keep its EXIF rotation.
            small = ImageOps.exif_transpose(image).convert("RGB")
            small.thumbnail((THUMB_EDGE, THUMB_EDGE))
            out = io.BytesIO()
            small.save(out, "JPEG", quality=80)
            return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ApiError("IMAGE_TOO_LARGE", {"max_pixels": max_pixels}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ApiError("FILE_TYPE_MISMATCH", {"declared": mime, "reason": "unreadable"}) from exc
