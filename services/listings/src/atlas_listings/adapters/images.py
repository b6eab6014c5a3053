"""Decoding uploaded photos with Pillow: prove they are whole images, measure them, make thumbnails."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

THUMBNAIL_BOX = (480, 360)
MAX_PIXELS = 50_000_000  # refuses decompression bombs (a small file that decodes to gigabytes)


class NotAnImage(ValueError):
    pass


@dataclass(frozen=True)
class Decoded:
    width: int
    height: int
    thumbnail: bytes


def decode(data: bytes) -> Decoded:
    """Fully decode the image (a truncated or forged file fails here) and render a JPEG thumbnail."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise NotAnImage(f"The image is too large ({probe.width}x{probe.height} pixels).")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            width, height = image.size
            thumb = image.convert("RGB")
            thumb.thumbnail(THUMBNAIL_BOX)
            out = io.BytesIO()
            thumb.save(out, "JPEG", quality=82, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        if isinstance(exc, NotAnImage):
            raise
        raise NotAnImage(f"The file is not a readable image ({exc}).") from None
    return Decoded(width=width, height=height, thumbnail=out.getvalue())


def demo_photo(seed: str, width: int = 960, height: int = 640) -> bytes:
    """A drawn façade (sky, building, windows, door) whose colours come from ``seed``: demo data
    with photos that are real JPEGs and never identical across listings."""
    import hashlib
    import random

    from PIL import ImageDraw

    rnd = random.Random(hashlib.sha256(seed.encode()).digest())
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = (rnd.randint(60, 140), rnd.randint(140, 200), 235), (210, 230, 245)
    for y in range(height):
        t = y / height
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    wall = (rnd.randint(170, 240), rnd.randint(140, 220), rnd.randint(110, 190))
    left, roof = rnd.randint(60, 260), rnd.randint(120, 220)
    right = width - rnd.randint(60, 260)
    draw.rectangle([left, roof, right, height - 40], fill=wall)
    draw.rectangle([0, height - 40, width, height], fill=(90, 140, 80))
    for row in range(rnd.randint(2, 4)):
        for col in range(rnd.randint(3, 6)):
            x = left + 30 + col * ((right - left - 60) // 6 + 12)
            y = roof + 30 + row * 90
            if x + 50 < right and y + 60 < height - 60:
                draw.rectangle([x, y, x + 50, y + 60], fill=(70, 110, 150), outline=(250, 250, 250), width=3)
    door = (left + right) // 2
    draw.rectangle([door - 35, height - 150, door + 35, height - 40], fill=(110, 70, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
