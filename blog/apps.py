from django.apps import AppConfig
from django.conf import settings


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from blog import checks, figures, revisions, signals, versions  # noqa: F401

        revisions.register()

        from blog.models import Category, Post
        from core import pagecache

        # Posts, their categories and tags, and scheduled posts coming due change public pages.
        pagecache.invalidates(Post, Category)
        pagecache.register_due_source(Post.objects.next_due)
        # Versioned fragments (post cards) follow these by the posts' stamps (blog.versions) and
        # their rating figures, so a vote or an edit leaves other posts' cards cached.
        pagecache.fragments_follow(
            Post,
            Category,
            Post.categories.through,
            "taggit.Tag",
            "taggit.TaggedItem",
            settings.AUTH_USER_MODEL,
            "images.Image",
            "ratings.Vote",
            "ratings.RatingAggregate",
        )
        # Lists (the sidebar's data, a post's neighbours: blog.sidebar, lists_key) show posts,
        # categories and tags only.
        pagecache.lists_ignore(
            settings.AUTH_USER_MODEL, "images.Image", "ratings.Vote", "ratings.RatingAggregate"
        )
