"""Extension points: how apps built on the blog add to its post page and its post admin without
the blog importing them (as ``django.contrib.redirects`` adds itself through a middleware).

An app registers, from its ``AppConfig.ready()`` or its ``admin.py``:

* a **post page section**: a template rendered in one of the post page's slots with the page's
  context (``post``, ``categories``, ``tags``, ``request`` …). Slots: ``head`` (stylesheets,
  metadata) and ``after_body`` (blocks under the post, in ``order``);
* a **post admin inline**: an ``InlineModelAdmin`` shown on the post's change form (and on the
  add form too, unless registered with ``when_adding=False``: rows about a saved post).

Removing the app from ``INSTALLED_APPS`` removes what it registered; the blog works without it.
"""

from dataclasses import dataclass

SLOTS = ("head", "after_body")


@dataclass(frozen=True, order=True)
class PostSection:
    order: int
    template_name: str
    slot: str


_sections: dict[str, PostSection] = {}
_inlines: dict[type, bool] = {}  # inline class: shown when adding a post


def register_post_section(template_name: str, *, slot: str = "after_body", order: int = 50):
    """Render ``template_name`` in ``slot`` of every post page (lower ``order`` first)."""
    if slot not in SLOTS:
        raise ValueError(f"Unknown post page slot {slot!r}: use one of {', '.join(SLOTS)}.")
    _sections[template_name] = PostSection(order=order, template_name=template_name, slot=slot)


def post_sections(slot: str) -> list[str]:
    """The templates registered for ``slot``, in order."""
    return [s.template_name for s in sorted(_sections.values()) if s.slot == slot]


def register_post_inline(inline_class: type, *, when_adding: bool = True) -> None:
    """Show ``inline_class`` on the post admin's change form (once, however often called), and
    on its add form when ``when_adding``."""
    _inlines.setdefault(inline_class, when_adding)


def post_inlines(*, adding: bool = False) -> list[type]:
    """The inlines registered by other apps, in registration order (those shown when adding a
    post only, with ``adding``)."""
    return [inline for inline, when_adding in _inlines.items() if when_adding or not adding]
