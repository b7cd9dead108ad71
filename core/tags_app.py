"""django-taggit's app under the name editors know it by (listed in INSTALLED_APPS in its place).

Kept out of ``core/apps.py``: a second AppConfig there would stop Django choosing ``CoreConfig``
for ``core`` on its own, and core's ready() (the page cache's invalidation) would never run.
"""

from taggit.apps import TaggitAppConfig


class TagsConfig(TaggitAppConfig):
    """django-taggit under the name editors know it by: its admin section is "Tags", not the
    package's name."""

    verbose_name = "Tags"
