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
def rendition_url(image, kind="w1600", fmt=""):
    """The address of one stored rendition (``w1600`` in the picture's own format by default,
    for link previews), else of the largest there is, else of the original."""
    if image is None:
        return ""
    fmt = fmt or image.file_format
    prefix = "sq" if kind.startswith("sq") else "w"
    found = image.rendition_list(prefix, fmt)
    exact = [r for r in found if r["kind"] == kind]
    chosen = exact[0] if exact else (found[-1] if found else None)
    return image.rendition_url(chosen) if chosen else image.url
