from django import template

from images.html import picture_html

register = template.Library()


@register.simple_tag
def picture(
    image,
    *,
    alt="",
    sizes="100vw",
    lazy=True,
    square=False,
    css_class="",
    width=None,
    priority=False,
):
    """A library picture with its renditions: ``{% picture post.featured alt=… sizes=… %}``.
    Nothing for no picture."""
    if image is None:
        return ""
    return picture_html(
        image,
        alt=alt,
        sizes=sizes,
        lazy=lazy,
        square=square,
        css_class=css_class,
        display_width=int(width) if width else None,
        priority=priority,
    )


@register.simple_tag
def rendition(image, kind="w1600", fmt=""):
    """One stored rendition as ``{"url", "width", "height"}`` (``w1600`` in the picture's own
    format by default, for link previews), else the largest of its kind, else the original."""
    if image is None:
        return None
    fmt = fmt or image.file_format
    prefix = "sq" if kind.startswith("sq") else "w"
    found = image.rendition_list(prefix, fmt)
    exact = [r for r in found if r["kind"] == kind]
    chosen = exact[0] if exact else (found[-1] if found else None)
    if chosen is None:
        return {"url": image.url, "width": image.width, "height": image.height}
    return {
        "url": image.rendition_url(chosen),
        "width": chosen["width"],
        "height": chosen["height"],
    }


def rendition_url(image, kind="w1600", fmt="") -> str:
    found = rendition(image, kind, fmt)
    return found["url"] if found else ""


@register.filter(name="figure_markdown")
def figure_markdown_filter(image):
    """The Markdown placing the picture as a figure (``images.markdown``)."""
    from images.markdown import figure_markdown

    return figure_markdown(image)
