"""System checks: the search language must be one PostgreSQL knows."""

from django.core import checks
from django.db import connections

from blog.search import PG_CONFIGURATIONS, search_language


@checks.register(checks.Tags.database)
def search_language_check(app_configs, databases=None, **kwargs):
    """On PostgreSQL, BLOG_SEARCH_LANGUAGE names a built-in text search configuration."""
    language = search_language()
    uses_postgres = any(connections[alias].vendor == "postgresql" for alias in (databases or []))
    if not uses_postgres or language in PG_CONFIGURATIONS:
        return []
    return [
        checks.Error(
            f"BLOG_SEARCH_LANGUAGE is {language!r}, which is not one of PostgreSQL's text search "
            "configurations.",
            hint="Use one of: " + ", ".join(sorted(PG_CONFIGURATIONS)) + ".",
            id="blog.E001",
        )
    ]
