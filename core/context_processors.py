from django.urls import get_script_prefix, reverse

from core.models import SiteIdentity

# The addresses every page links to (header, footer, feeds): reversed once per process (and
# script prefix) instead of on every page, where they were a tenth of a post page's render.
SITE_LINKS = {
    "home": "blog:post_list",
    "top_rated": "ratings:top_rated",
    "authors": "authors:list",
    "tags": "blog:tag_index",
    "feed": "blog:feed",
    "feed_rss": "blog:feed_rss",
    "search": "blog:search",
    "sitemap": "sitemap",
}
_site_links: dict[str, dict[str, str]] = {}


def site_identity(request):
    """The site's name and tagline, for every template."""
    return {"site": SiteIdentity.current()}


def site_links(request):
    """``links``: the addresses of SITE_LINKS by their short names."""
    prefix = get_script_prefix()
    links = _site_links.get(prefix)
    if links is None:
        links = _site_links[prefix] = {key: reverse(name) for key, name in SITE_LINKS.items()}
    return {"links": links}
