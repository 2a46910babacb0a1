"""The add-in's own ribbon icons (校验 ✓, 重算 Σ, 导出 a page with an arrow, and the add-in's own mark),
drawn with Pillow as PNGs into ``addin/static/images/icons/``.

Run once after changing a drawing (``python -m budget_xl.excel.icons``); the PNGs are committed, so
neither the server nor a user needs Pillow. Each icon is drawn at 4× and scaled down, so the small
sizes stay smooth.
"""

from __future__ import annotations

from pathlib import Path

ICONS = ("validate", "recompute", "export", "addin")
SIZES = (16, 32, 64, 80)
BLUE, GREEN, ORANGE, WHITE = (31, 78, 121, 255), (46, 125, 50, 255), (230, 126, 34, 255), (255, 255, 255, 255)


def icon_dir() -> Path:
    return Path(__file__).resolve().with_name("addin") / "static" / "images" / "icons"


def _draw(name: str, size: int):
    from PIL import Image, ImageDraw

    s = size * 4
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    w = max(4, s // 10)
    if name == "validate":  # a green disc with a white tick
        d.ellipse((s * 0.04, s * 0.04, s * 0.96, s * 0.96), fill=GREEN)
        d.line([(s * 0.27, s * 0.52), (s * 0.44, s * 0.69), (s * 0.74, s * 0.33)], fill=WHITE, width=w, joint="curve")
    elif name == "recompute":  # a blue square with a white sigma
        d.rounded_rectangle((s * 0.04, s * 0.04, s * 0.96, s * 0.96), radius=s * 0.14, fill=BLUE)
        d.line([(s * 0.72, s * 0.24), (s * 0.3, s * 0.24), (s * 0.52, s * 0.5), (s * 0.3, s * 0.76),
                (s * 0.72, s * 0.76)], fill=WHITE, width=w, joint="curve")
    elif name == "export":  # a page with lines and an orange arrow out of it
        d.rectangle((s * 0.12, s * 0.06, s * 0.7, s * 0.94), fill=WHITE, outline=BLUE, width=w // 2)
        for y in (0.3, 0.45, 0.6):
            d.line([(s * 0.22, s * y), (s * 0.56, s * y)], fill=BLUE, width=max(2, w // 2))
        d.line([(s * 0.5, s * 0.78), (s * 0.9, s * 0.78)], fill=ORANGE, width=w)
        d.polygon([(s * 0.98, s * 0.78), (s * 0.8, s * 0.64), (s * 0.8, s * 0.92)], fill=ORANGE)
    else:  # the add-in: a blue table with a green tick
        d.rounded_rectangle((s * 0.04, s * 0.1, s * 0.96, s * 0.9), radius=s * 0.08, fill=BLUE)
        for x in (0.36, 0.66):
            d.line([(s * x, s * 0.3), (s * x, s * 0.82)], fill=WHITE, width=max(2, w // 3))
        for y in (0.3, 0.47, 0.64):
            d.line([(s * 0.1, s * y), (s * 0.9, s * y)], fill=WHITE, width=max(2, w // 3))
        d.line([(s * 0.5, s * 0.6), (s * 0.62, s * 0.74), (s * 0.88, s * 0.44)], fill=(129, 199, 132, 255), width=w)
    return img.resize((size, size), Image.LANCZOS)


def write_icons(folder: Path | None = None) -> list[Path]:
    folder = folder or icon_dir()
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name in ICONS:
        for size in SIZES:
            p = folder / f"budget-xl-{name}-{size}.png"
            _draw(name, size).save(p, optimize=True)
            out.append(p)
    return out


if __name__ == "__main__":
    for p in write_icons():
        print(p)
