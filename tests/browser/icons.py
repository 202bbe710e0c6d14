"""Draw the app's icons: a yellow star over an open book on red (pwa/icons/).

PNG files are rendered here with zlib and struct only (no imaging library); the SVG carries the
same shapes. test_pwa_contract.py checks the committed files are what this module draws, and
`python -m tests.browser.icons` rewrites them.
"""

import math
import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parents[2] / "pwa" / "icons"
RED = (164, 22, 26)
YELLOW = (255, 205, 0)
WHITE = (255, 255, 255)


def _star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


STAR = _star(0.5, 0.37, 0.2, 0.08)
LEFT_PAGE = [(0.2, 0.62), (0.48, 0.66), (0.48, 0.84), (0.2, 0.8)]
RIGHT_PAGE = [(0.52, 0.66), (0.8, 0.62), (0.8, 0.8), (0.52, 0.84)]
CORNER = 0.18


def _inside(poly: list[tuple[float, float]], x: float, y: float) -> bool:
    hit = False
    j = len(poly) - 1
    for i, (xi, yi) in enumerate(poly):
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def _in_rounded_square(x: float, y: float) -> bool:
    cx = min(max(x, CORNER), 1 - CORNER)
    cy = min(max(y, CORNER), 1 - CORNER)
    return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER**2


def _sample(x: float, y: float, maskable: bool) -> tuple[int, int, int, int] | None:
    if not maskable and not _in_rounded_square(x, y):
        return None
    if maskable:  # keep the drawing inside the 80 % safe zone of a maskable icon
        x, y = 0.5 + (x - 0.5) / 0.8, 0.5 + (y - 0.5) / 0.8
    if _inside(STAR, x, y):
        return (*YELLOW, 255)
    if _inside(LEFT_PAGE, x, y) or _inside(RIGHT_PAGE, x, y):
        return (*WHITE, 255)
    return (*RED, 255)


def render_png(size: int, maskable: bool = False) -> bytes:
    """Return PNG bytes of the icon at size×size, 2×2 supersampled, as an indexed-colour PNG
    (a few dozen colours: a quarter of the bytes of RGBA)."""
    palette: dict[tuple[int, int, int, int], int] = {}
    rows = []
    offsets = (0.25, 0.75)
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for oy in offsets:
                for ox in offsets:
                    color = _sample((px + ox) / size, (py + oy) / size, maskable)
                    if color:
                        for k in range(4):
                            acc[k] += color[k] * (color[3] if k < 3 else 1)
            alpha = acc[3]
            if alpha:
                color = (*(round(acc[k] / alpha) for k in range(3)), round(alpha / 4))
            else:
                color = (0, 0, 0, 0)
            row.append(palette.setdefault(color, len(palette)))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    assert len(palette) <= 256
    colors = sorted(palette, key=palette.get)
    header = struct.pack(">IIBBBBB", size, size, 8, 3, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"PLTE", b"".join(bytes(c[:3]) for c in colors))
        + chunk(b"tRNS", bytes(c[3] for c in colors))
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _points(poly: list[tuple[float, float]]) -> str:
    return " ".join(f"{x * 512:.1f},{y * 512:.1f}" for x, y in poly)


def render_svg() -> str:
    """Return the SVG icon with the same shapes."""
    red, yellow = "#{:02x}{:02x}{:02x}".format(*RED), "#{:02x}{:02x}{:02x}".format(*YELLOW)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" rx="{CORNER * 512:.0f}" fill="{red}"/>'
        f'<polygon points="{_points(STAR)}" fill="{yellow}"/>'
        f'<polygon points="{_points(LEFT_PAGE)}" fill="#fff"/>'
        f'<polygon points="{_points(RIGHT_PAGE)}" fill="#fff"/>'
        "</svg>\n"
    )


FILES = {
    "icon-192.png": lambda: render_png(192),
    "icon-512.png": lambda: render_png(512),
    "maskable-512.png": lambda: render_png(512, maskable=True),
    "icon.svg": lambda: render_svg().encode(),
}


if __name__ == "__main__":
    ICONS.mkdir(parents=True, exist_ok=True)
    for name, draw in FILES.items():
        (ICONS / name).write_bytes(draw())
