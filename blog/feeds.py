from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from blog.models import Category, Post
from core.models import SiteIdentity

FEED_LENGTH = 20


class LatestPostsFeed(Feed):
    feed_type = Atom1Feed
    link = "/"

    def title(self):
        return SiteIdentity.current().name

    def subtitle(self):
        identity = SiteIdentity.current()
        return identity.tagline or identity.description

    def items(self):
        return Post.objects.published().for_listing()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.excerpt or item.body_html

    def item_author_name(self, item):
        return item.author_name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [category.name for category in item.categories.all()]


class CategoryFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj):
        return f"{SiteIdentity.current().name}: {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return Post.objects.published().in_category(obj).for_listing()[:FEED_LENGTH]
