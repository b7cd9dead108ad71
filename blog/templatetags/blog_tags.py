from django import template
from django.utils.safestring import SafeString, mark_safe

from blog.extensions import post_sections
from blog.sidebar import sidebar_data

register = template.Library()


@register.inclusion_tag("blog/_sidebar.html")
def blog_sidebar() -> dict:
    """Categories, tags and recent posts (three queries, then cached)."""
    return sidebar_data()


@register.simple_tag(takes_context=True)
def post_page_sections(context, slot: str) -> SafeString:
    """What other apps registered for this slot of the post page (``blog.extensions``), each
    rendered with the page's context."""
    engine = context.template.engine
    parts = []
    for name in post_sections(slot):
        with context.push():
            parts.append(engine.get_template(name).render(context))
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """The address with this site's scheme and host (for feeds, sharing sites and search
    engines, which need absolute addresses); an address already absolute is kept."""
    return context["request"].build_absolute_uri(path)
