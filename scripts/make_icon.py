"""Draws the program's icon into resources/icons/ (run it again after changing the drawing).

    .venv/bin/python scripts/make_icon.py

A blue tile with a white report page on it, and on the page three bars in the
colours of three funders: one cost split among its funders. Written as
grant-reporter.png (256 px, for macOS and Linux builds), grant-reporter-64.png
(the window's own icon) and grant-reporter.ico (16 to 256 px, for the Windows
.exe). Pillow comes with ttkbootstrap.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

FOLDER = Path(__file__).resolve().parent.parent / "resources" / "icons"
BLUE, PAGE, FOLD = (31, 95, 153, 255), (255, 255, 255, 255), (200, 214, 229, 255)
BARS = ((46, 125, 50, 255), (249, 168, 37, 255), (198, 40, 40, 255))  # three funders


def draw(size: int = 1024) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    u = size / 64  # drawn on a 64-unit grid
    d.rounded_rectangle((2 * u, 2 * u, 62 * u, 62 * u), radius=12 * u, fill=BLUE)
    left, top, right, bottom, fold = 15 * u, 9 * u, 49 * u, 55 * u, 10 * u
    d.polygon([(left, top), (right - fold, top), (right, top + fold), (right, bottom), (left, bottom)], fill=PAGE)
    d.polygon([(right - fold, top), (right - fold, top + fold), (right, top + fold)], fill=FOLD)
    for row in range(2):  # two lines of "text"
        y = 15 * u + row * 5 * u
        d.rounded_rectangle((20 * u, y, (36 - row * 6) * u, y + 2.2 * u), radius=1.1 * u, fill=FOLD)
    baseline = 50 * u
    for i, (height, colour) in enumerate(zip((14, 22, 9), BARS)):
        x = 20 * u + i * 8.5 * u
        d.rectangle((x, baseline - height * u, x + 6 * u, baseline), fill=colour)
    return image


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((256, 256), Image.LANCZOS).save(FOLDER / "grant-reporter.png", optimize=True)
    big.resize((64, 64), Image.LANCZOS).save(FOLDER / "grant-reporter-64.png", optimize=True)
    big.resize((256, 256), Image.LANCZOS).save(
        FOLDER / "grant-reporter.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    print(f"written: {', '.join(p.name for p in sorted(FOLDER.iterdir()))}")


if __name__ == "__main__":
    main()
