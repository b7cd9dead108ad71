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
        pagecache.register_due_source(Post.objects.next_voting_closure)
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
        # Lists (the sidebar's data, a post's neighbours, the post page's related posts and
        # author box: blog.sidebar, lists_key, blog.views.post_fragment_keys) show posts,
        # categories, tags and pictures (related posts' thumbnails, the author's avatar).
        pagecache.lists_ignore(settings.AUTH_USER_MODEL, "ratings.Vote", "ratings.RatingAggregate")
