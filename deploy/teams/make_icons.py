"""Draw dosay's Teams icons without image libraries: a speech bubble with a check mark.

color.png   192x192, full colour (white bubble on the accent colour)
outline.png  32x32, white on transparent (what Teams requires for the outline icon)

Run: python deploy/teams/make_icons.py   (rewrites both files next to this script)
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

ACCENT = (0x4B, 0x53, 0xBC, 0xFF)
WHITE = (0xFF, 0xFF, 0xFF, 0xFF)
CLEAR = (0, 0, 0, 0)
Pixel = tuple[int, int, int, int]


def png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An RGBA PNG (colour type 6, 8 bits) from a function of (x, y)."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _in_bubble(u: float, v: float) -> bool:
    """(u, v) in 0..1: an ellipse with a tail at the lower left."""
    inside = ((u - 0.5) / 0.36) ** 2 + ((v - 0.45) / 0.28) ** 2 <= 1.0
    tail = 0.22 <= u <= 0.40 and 0.62 <= v <= 0.82 and (u - 0.22) <= (0.82 - v) * 0.9
    return inside or tail


def _on_check(u: float, v: float, width: float) -> bool:
    """A check mark from (0.34, 0.45) to (0.45, 0.56) to (0.66, 0.34)."""

    def near(ax: float, ay: float, bx: float, by: float) -> bool:
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((u - ax) * dx + (v - ay) * dy) / (dx * dx + dy * dy)))
        return (u - ax - t * dx) ** 2 + (v - ay - t * dy) ** 2 <= width**2

    return near(0.34, 0.45, 0.45, 0.56) or near(0.45, 0.56, 0.66, 0.34)


def color_pixel(x: int, y: int, size: int = 192) -> Pixel:
    u, v = (x + 0.5) / size, (y + 0.5) / size
    if _in_bubble(u, v):
        return ACCENT if _on_check(u, v, 0.035) else WHITE
    return ACCENT


def outline_pixel(x: int, y: int, size: int = 32) -> Pixel:
    u, v = (x + 0.5) / size, (y + 0.5) / size
    step = 1.0 / size
    edge = _in_bubble(u, v) and not all(
        _in_bubble(u + du, v + dv) for du, dv in ((step, 0), (-step, 0), (0, step), (0, -step))
    )
    return WHITE if edge or (_in_bubble(u, v) and _on_check(u, v, 0.045)) else CLEAR


def main() -> None:
    here = Path(__file__).resolve().parent
    (here / "color.png").write_bytes(png(192, 192, color_pixel))
    (here / "outline.png").write_bytes(png(32, 32, outline_pixel))


if __name__ == "__main__":
    main()
