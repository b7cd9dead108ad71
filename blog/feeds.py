from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from blog.models import Category, Post
from core.models import SiteIdentity

FEED_LENGTH = 20


class TypedAtom1Feed(Atom1Feed):
    """Atom whose entry summary says what it holds: ``text`` for a plain-text excerpt, which
    readers must show as written, ``html`` for the body (sanitized when it was saved). Titles,
    names and categories are Atom text already."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            summary_type = item.get("summary_type", "html")
            handler.addQuickElement("summary", item["description"], {"type": summary_type})


class LatestPostsFeed(Feed):
    feed_type = TypedAtom1Feed
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

    def item_extra_kwargs(self, item):
        return {"summary_type": "text" if item.excerpt else "html"}

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
