from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from blog import checks, figures, revisions, signals  # noqa: F401

        revisions.register()

        from blog.models import Category, Post
        from core import pagecache

        # Posts, their categories and tags, and scheduled posts coming due change public pages.
        pagecache.invalidates(Post, Category)
        pagecache.register_due_source(Post.objects.next_due)
