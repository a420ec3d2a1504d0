"""Draw the app icons the web app manifest names (run once; the PNGs are committed).

A white "H" on HARKAT green, with room around it for Android's round and square masks.
"""

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (27, 94, 59)
OUT = Path(__file__).resolve().parents[1] / "harkat" / "static" / "icons"


def draw(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), GREEN)
    pen = ImageDraw.Draw(image)
    unit = size / 16
    # The letter H inside the central safe zone (80% of the icon), drawn with rectangles.
    left, right, top, bottom = 5 * unit, 11 * unit, 4.5 * unit, 11.5 * unit
    stem = 1.6 * unit
    pen.rectangle([left, top, left + stem, bottom], fill="white")
    pen.rectangle([right - stem, top, right, bottom], fill="white")
    pen.rectangle(
        [left, (top + bottom) / 2 - stem / 2, right, (top + bottom) / 2 + stem / 2], fill="white"
    )
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(OUT / f"harkat-{size}.png", optimize=True)
        print(OUT / f"harkat-{size}.png")
