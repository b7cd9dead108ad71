"""An author's feeds (``author/<username>/feed/`` Atom, ``…/feed/rss/`` RSS 2.0): the blog's
post feeds narrowed to one author's published posts."""

from django.shortcuts import get_object_or_404

from authors.models import AuthorProfile
from blog.feeds import LatestPostsFeed, PostRssFeed
from blog.models import Post
from core.models import SiteIdentity


class AuthorFeed(LatestPostsFeed):
    """The newest published posts by an active author."""

    def get_object(self, request, username):
        return get_object_or_404(
            AuthorProfile.objects.select_related("user"),
            user__username=username,
            user__is_active=True,
        )

    def posts(self, obj):
        return Post.objects.published().by_author(obj.user)

    def title(self, obj):
        return f"{SiteIdentity.current().name}: posts by {obj.display_name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"Posts by {obj.display_name} on {SiteIdentity.current().name}"


class AuthorRssFeed(AuthorFeed):
    feed_type = PostRssFeed
