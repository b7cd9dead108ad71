"""Renditions: what an upload costs, and what a reader downloads.

    python bench/bench_renditions.py [--repeat 3]

Pictures are made here, photo-like (smooth gradients under fine noise and a few shapes), at the
sizes authors upload: a 12-megapixel phone photo (4000×3000), a 3000×2000 export and a 1200×630
illustration. For each it times the safe re-encoding every upload always went through
(``reencode_image``, the baseline, measured in the same run) and the renditions made once at
upload (``renditions_render``: 3 widths and 3 squares, WebP and JPEG), into a throwaway media
folder; then it prints the bytes a reader's browser fetches for the featured image before (the
re-encoded original) and now (the rendition ``srcset`` picks for a phone at 390 CSS px and DPR 3,
and for a 1280-px desktop at DPR 1 and 2).
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from images.processing import reencode_image  # noqa: E402
from images.renditions import renditions_render  # noqa: E402

# The featured image's rendered width on a post page (blog/post_detail.html sizes=…).
SLOTS = [
    ("phone 390 px, DPR 3", 342 * 3),
    ("desktop 1280 px, DPR 1", 764),
    ("desktop, DPR 2", 1528),
]


def photo(width: int, height: int) -> bytes:
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    tint = Image.new("RGB", (width, height), (40, 90, 150))
    picture = Image.blend(base, tint, 0.5)
    draw = ImageDraw.Draw(picture)
    for i in range(12):
        x, y = (i * 397) % width, (i * 211) % height
        draw.ellipse((x, y, x + width // 5, y + height // 5), fill=(200 - i * 9, 120 + i * 5, 60))
    picture = picture.filter(ImageFilter.GaussianBlur(3))
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    picture = Image.blend(picture, noise, 0.12)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=92)
    return out.getvalue()


def chosen(records, fmt, needed):
    """The candidate a browser picks from a srcset: the smallest at least as wide as needed,
    else the largest."""
    widths = sorted((r for r in records if r["kind"].startswith("w") and r["format"] == fmt),
                    key=lambda r: r["width"])  # fmt: skip
    for record in widths:
        if record["width"] >= needed:
            return record
    return widths[-1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        print(f"{'upload':<12} {'bytes':>10} {'re-encode (before)':>19} {'+ renditions (now)':>19}")
        rows = []
        for size in [(4000, 3000), (3000, 2000), (1200, 630)]:
            data = photo(*size)
            encode_times, rendition_times = [], []
            for n in range(args.repeat):
                started = time.perf_counter()
                content, extension, _, _ = reencode_image(data)
                encode_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                records = renditions_render(
                    original=content,
                    name=f"images/bench/{size[0]}x{size[1]}-{n}.{extension}",
                    original_format="jpeg",
                    focal_x=0.5,
                    focal_y=0.5,
                )
                rendition_times.append(time.perf_counter() - started)
            print(
                f"{size[0]}×{size[1]:<7} {len(data):>10,} "
                f"{statistics.median(encode_times) * 1000:>16.0f} ms "
                f"{statistics.median(rendition_times) * 1000:>16.0f} ms"
            )
            rows.append((size, content, records))
        print()
        print("bytes fetched for the featured image (WebP / JPEG fallback) vs the original:")
        for size, content, records in rows:
            for label, needed in SLOTS:
                webp = chosen(records, "webp", needed)
                sizes = {}
                for fmt, record in (("webp", webp), ("jpeg", chosen(records, "jpeg", needed))):
                    sizes[fmt] = (Path(media) / record["name"]).stat().st_size
                print(
                    f"  {size[0]}×{size[1]:<6} {label:<24} original {len(content):>10,}  "
                    f"w{webp['width']}: WebP {sizes['webp']:>9,} "
                    f"({sizes['webp'] / len(content):.0%}), JPEG {sizes['jpeg']:>9,}"
                )


if __name__ == "__main__":
    main()
