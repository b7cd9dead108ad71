"""The HTML serving a picture: ``<picture>`` with a WebP ``srcset``, a fallback ``<img>`` in the
picture's own format with its ``srcset``, width and height (no layout shift), and lazy loading
where asked. Built from the renditions stored with the row: nothing is read from storage."""

import xml.etree.ElementTree as etree

from django.utils.html import format_html
from django.utils.safestring import mark_safe

# The fallback ``src`` for browsers without ``srcset``: the largest width up to this one.
FALLBACK_WIDTH = 960


def srcset(image, prefix: str, fmt: str) -> str:
    return ", ".join(
        f"{image.rendition_url(r)} {r['width']}w" for r in image.rendition_list(prefix, fmt)
    )


def fallback(image, prefix: str) -> dict | None:
    found = image.rendition_list(prefix)
    if not found:
        return None
    fitting = [r for r in found if r["width"] <= FALLBACK_WIDTH]
    return fitting[-1] if fitting else found[0]


def picture_parts(image, *, square: bool = False) -> dict:
    """What a ``<picture>`` of the image needs: srcsets per format, the fallback src and the
    intrinsic size (of the largest rendition, which sets the aspect ratio)."""
    prefix = "sq" if square else "w"
    chosen = fallback(image, prefix)
    if chosen is None:  # no renditions yet (rebuild_renditions makes them): the original
        side = min(image.width, image.height)
        return {
            "webp": "",
            "own": "",
            "src": image.url,
            "width": side if square else image.width,
            "height": side if square else image.height,
        }
    largest = image.rendition_list(prefix)[-1]
    return {
        "webp": srcset(image, prefix, "webp") if image.file_format != "webp" else "",
        "own": srcset(image, prefix, image.file_format),
        "src": image.rendition_url(chosen),
        "width": largest["width"],
        "height": largest["height"],
    }


def picture_element(image, *, alt: str, sizes: str, lazy: bool = True) -> etree.Element:
    """The picture as an ElementTree element (for the Markdown renderer)."""
    parts = picture_parts(image)
    picture = etree.Element("picture")
    if parts["webp"]:
        etree.SubElement(
            picture, "source", {"type": "image/webp", "srcset": parts["webp"], "sizes": sizes}
        )
    attributes = {"src": parts["src"], "alt": alt}
    if parts["own"]:
        attributes.update(srcset=parts["own"], sizes=sizes)
    attributes.update(width=str(parts["width"]), height=str(parts["height"]))
    if lazy:
        attributes.update(loading="lazy", decoding="async")
    etree.SubElement(picture, "img", attributes)
    return picture


def picture_html(
    image,
    *,
    alt: str,
    sizes: str,
    lazy: bool = True,
    square: bool = False,
    css_class: str = "",
    display_width: int | None = None,
    priority: bool = False,
) -> str:
    """The picture as HTML for templates. ``display_width`` scales the width and height
    attributes to the size shown (a 96-pixel avatar from a 192-pixel rendition)."""
    parts = picture_parts(image, square=square)
    width, height = parts["width"], parts["height"]
    if display_width:
        height = max(1, round(height * display_width / width))
        width = display_width
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', parts["webp"], sizes)
        if parts["webp"]
        else ""
    )
    extra = format_html(' srcset="{}" sizes="{}"', parts["own"], sizes) if parts["own"] else ""
    loading = ' loading="lazy" decoding="async"' if lazy else ""
    if priority:
        loading += ' fetchpriority="high"'
    css = format_html(' class="{}"', css_class) if css_class else ""
    return format_html(
        '<picture>{}<img src="{}"{} alt="{}" width="{}" height="{}"{}{}></picture>',
        source,
        parts["src"],
        extra,
        alt,
        width,
        height,
        css,
        mark_safe(loading),
    )
