from django.apps import AppConfig


class RelatedConfig(AppConfig):
    """Related posts: plugs into the blog's post page and post admin through
    ``blog.extensions``; the blog never imports it, so removing it leaves a working blog."""

    name = "related"
    verbose_name = "Related posts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from blog.extensions import register_post_section
        from related import signals  # noqa: F401

        register_post_section("related/_head.html", slot="head")
        register_post_section("related/_section.html", slot="after_body", order=20)
