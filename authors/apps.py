from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "authors"
    verbose_name = "Authors"

    def ready(self):
        from authors import signals  # noqa: F401
        from authors.models import AuthorProfile
        from blog.extensions import register_post_section
        from core.pagecache import fragments_follow, invalidates, lists_ignore

        # The bio box under every post: "<Name> has <n> posts on <Site>".
        register_post_section("authors/_post_author_box.html", slot="after_body", order=30)
        invalidates(AuthorProfile)
        # Cards show the author's name and are stamped when it changes (authors.signals).
        fragments_follow(AuthorProfile)
        lists_ignore(AuthorProfile)
