"""Feeds of published posts: the whole site, one category, one tag (an author's is in
authors/feeds.py, built on these), each in Atom (``…/feed/``) and RSS 2.0 (``…/feed/rss/``).

Every field says what it holds: titles, names, categories and summaries are plain text (Atom
``type="text"``; in RSS, whose descriptions are HTML, the summary is escaped); the body is HTML,
sanitized when the post was saved (Atom ``<content type="html">``, RSS ``<content:encoded>``).
``BLOG_FEED_FULL_TEXT = False`` leaves the body out: entries then carry the summary only. A
featured image is the entry's enclosure. Feeds answer conditional requests (ETag and
Last-Modified from the newest change among their posts) with 304 Not Modified, before reading
any post.
"""

from __future__ import annotations

import copy
import hashlib
import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.storage import FileSystemStorage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, format_html
from django.utils.http import http_date
from taggit.models import Tag

from blog.models import Category, Post
from core.models import SiteIdentity

FEED_LENGTH = 20
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"


class PostAtomFeed(Atom1Feed):
    """Atom entries with a plain-text summary, the body as HTML content and the post's source as
    a related link."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        handler.addQuickElement("summary", item["description"], {"type": "text"})
        if item["content_html"]:
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
        if item["source_url"]:
            attributes = {"rel": "related", "href": item["source_url"]}
            if item["source_name"]:
                attributes["title"] = item["source_name"]
            handler.addQuickElement("link", "", attributes)


class PostRssFeed(Rss201rev2Feed):
    """RSS 2.0 whose descriptions (HTML by RSS custom, for the channel as for its items) are
    escaped plain text, with each post's body as ``content:encoded``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed["description"] = escape(self.feed["description"] or "")

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NAMESPACE}

    def add_item_elements(self, handler, item):
        summary = format_html("<p>{}</p>", item["description"])
        if not item["content_html"] and item["read_more_html"]:
            summary += item["read_more_html"]
        super().add_item_elements(handler, {**item, "description": str(summary)})
        if item["content_html"]:
            handler.addQuickElement("content:encoded", item["content_html"])


def read_more_html(post: Post) -> str:
    """The post page's "Read more at <source>…" line, as HTML."""
    if post.source_name and post.source_url:
        return format_html(
            '<p class="read-more"><a href="{}">Read more at {}…</a></p>',
            post.source_url,
            post.source_name,
        )
    if post.source_name:
        return format_html('<p class="read-more">Read more at {}…</p>', post.source_name)
    return ""


def stored_size(image) -> int:
    """The image file's size in bytes when the storage is the local disk (one stat); 0, which
    feeds use for "unknown", for remote storage or a lost file."""
    if not isinstance(image.storage, FileSystemStorage):
        return 0
    try:
        return image.storage.size(image.name)
    except OSError:
        return 0


class LatestPostsFeed(Feed):
    """The newest published posts of the whole site (Atom)."""

    feed_type = PostAtomFeed

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request: each request works on its own copy, which
        # knows the request (for absolute addresses of images and entry ids).
        feed = copy.copy(self)
        feed.request = request
        return feed.respond(*args, **kwargs)

    def respond(self, *args, **kwargs):
        try:
            obj = self.get_object(self.request, *args, **kwargs)
        except ObjectDoesNotExist as exc:
            raise Http404("No such feed.") from exc
        response = HttpResponse(content_type=self.feed_type.content_type)
        changed = self.set_validators(response, obj)
        not_modified = get_conditional_response(
            self.request,
            etag=response.headers["ETag"],
            last_modified=changed and int(changed.timestamp()),
            response=response,
        )
        if not_modified is not response:
            return not_modified
        self.get_feed(obj, self.request).write(response, "utf-8")
        return response

    def set_validators(self, response, obj):
        """Put an ETag and Last-Modified on the response from the newest change among the feed's
        posts (one query) and what the feed says of itself; returns that change's time."""
        freshness = self.posts(obj).last_change()
        changed = freshness["changed"]
        fingerprint = "|".join(
            str(part)
            for part in (
                changed and changed.isoformat(),
                freshness["count"],
                self.feed_type.__name__,
                full_text(),
                self.title(obj),
                self.description(obj),
            )
        )
        response.headers["ETag"] = quote_etag(hashlib.sha256(fingerprint.encode()).hexdigest())
        if changed is not None:
            response.headers["Last-Modified"] = http_date(changed.timestamp())
        return changed

    # The feed

    def get_object(self, request, *args, **kwargs):
        return None

    def posts(self, obj):
        """Every published post the feed is about (the feed shows the newest)."""
        return Post.objects.published()

    def items(self, obj):
        return self.posts(obj).for_listing()[:FEED_LENGTH]

    def title(self, obj):
        return SiteIdentity.current().name

    def link(self, obj):
        return reverse("blog:post_list")

    def description(self, obj):
        identity = SiteIdentity.current()
        return identity.tagline or identity.description or f"The latest posts on {identity.name}"

    def subtitle(self, obj):
        return self.description(obj)

    # Entries

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_extra_kwargs(self, item):
        read_more = read_more_html(item)
        return {
            "content_html": f"{item.body_html}{read_more}" if full_text() else "",
            "read_more_html": read_more,
            "source_url": item.source_url,
            "source_name": item.source_name,
        }

    def item_guid(self, item):
        # An id that outlives changes of slug, date and title: the post's row and creation day.
        host = urlsplit(f"//{self.request.get_host()}").hostname
        return f"tag:{host},{item.created_at:%Y-%m-%d}:post-{item.pk}"

    def item_guid_is_permalink(self, item):
        return False

    def item_author_name(self, item):
        return item.author_name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_changed

    def item_categories(self, item):
        return [c.name for c in item.categories.all()] + [t.name for t in item.tags.all()]

    def item_enclosures(self, item):
        if item.featured_id:  # a picture of the media library: its size is stored with it
            picture = item.featured
            mime_type = mimetypes.guess_type(picture.file.name)[0] or "application/octet-stream"
            url = self.request.build_absolute_uri(picture.url)
            return [Enclosure(url, str(picture.file_size), mime_type)]
        image = item.featured_image
        if not image:
            return []
        mime_type = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
        url = self.request.build_absolute_uri(image.url)
        return [Enclosure(url, str(stored_size(image)), mime_type)]


def full_text() -> bool:
    return getattr(settings, "BLOG_FEED_FULL_TEXT", True)


class LatestPostsRssFeed(LatestPostsFeed):
    feed_type = PostRssFeed


class CategoryFeed(LatestPostsFeed):
    """The newest published posts filed under a category."""

    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def posts(self, obj):
        return Post.objects.published().in_category(obj)

    def title(self, obj):
        return f"{SiteIdentity.current().name}: {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.description or f"Posts filed under {obj.name} on {SiteIdentity.current().name}"


class CategoryRssFeed(CategoryFeed):
    feed_type = PostRssFeed


class TagFeed(LatestPostsFeed):
    """The newest published posts carrying a tag."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def posts(self, obj):
        return Post.objects.published().tagged(obj)

    def title(self, obj):
        return f"{SiteIdentity.current().name}: #{obj.name}"

    def link(self, obj):
        return reverse("blog:tag", args=[obj.slug])

    def description(self, obj):
        return f"Posts tagged {obj.name} on {SiteIdentity.current().name}"


class TagRssFeed(TagFeed):
    feed_type = PostRssFeed
