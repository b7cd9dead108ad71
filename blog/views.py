import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from blog import seo
from blog.models import Category, Post, PostRedirect
from blog.search import MAX_QUERY_LENGTH, parse_query, search_posts
from blog.sidebar import sidebar_data
from core.models import SiteIdentity
from core.pagecache import generation, lists_key, versioned_key
from core.templatetags.fragments import FRAGMENT_SECONDS
from ratings.policy import voting_window
from ratings.selectors import with_ratings


class PublishedPostListView(ListView):
    """A paginated list of published posts; subclasses narrow it down.

    With ``cached_cards`` the list query only finds the page's posts with the stamp of what
    their cards show; their cards come from the fragment cache (``cards``), and only the posts
    whose card is not cached are loaded in full, with their ratings, categories and tags: a page
    of cached cards costs two queries."""

    template_name = "blog/post_list.html"
    context_object_name = "posts"
    cached_cards = True

    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self):
        if self.cached_cards:
            return Post.objects.published().order_by("-published_at", "-pk")
        return with_ratings(Post.objects.published().for_listing())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.cached_cards:
            context["cards"] = post_cards(context["object_list"].values_list(*CARD_VERSIONS))
        return context


# What a post's card shows changes exactly when its stamp does (its own edits, its author's name,
# categories, tags, picture and rating figures: blog.versions); rating rules and bulk writes
# start a new fragment generation (core.pagecache).
CARD_VERSIONS = ("pk", "shown_changed_at")


@dataclass
class PostCard:
    """One post of a list: its cached card, or the post loaded in full to render it and the key
    to store it under."""

    pk: int
    key: str
    html: str | None = None
    post: Post | None = None
    eager: bool = False


# The first cards of a page are seen without scrolling: their pictures load at once.
EAGER_CARDS = 2


def card_key(pk, shown_changed_at, *, eager: bool = False) -> str:
    """The card's key; a card whose picture loads at once is stored apart from the same post's
    lazy card further down a page."""
    stamp = int(shown_changed_at.timestamp() * 1_000_000)
    return versioned_key("card", pk, stamp, *(["eager"] if eager else []))


def post_fragment_keys(post: Post, *, is_preview: bool, canonical_url: str) -> dict[str, str]:
    """The keys of the post page's cached blocks, made of versions of what each shows (no
    query: the post's row and the request's generation are read already), so a vote, an edit
    or a profile change elsewhere leaves them cached:

    - the rating widget and the JSON-LD snippet: the post's stamp (its title, summary, dates,
      picture, author's name and rating figures: blog.versions) and whether the time limit has
      closed voting yet; rating rules and sets move the fragment generation;
    - the sections after the body (the author box, the related posts): the post's stamp (the
      author's profile, name and avatar stamp their posts) and the list generation (the
      author's published posts, the related lists and the titles, addresses and pictures of
      the posts they name); the site's name moves the fragment generation.
    """
    stamp = int(post.shown_changed_at.timestamp() * 1_000_000)
    window = voting_window(post)
    return {
        "json_ld": versioned_key(
            "post-json-ld", post.pk, stamp, window, int(is_preview), canonical_url
        ),
        "rating": versioned_key("post-rating", post.pk, stamp, window),
        "after_body": versioned_key(
            "post-after-body", post.pk, stamp, generation().lists_token, int(is_preview)
        ),
    }


def post_cards(rows) -> list[PostCard]:
    """The cards of these posts (rows of ``CARD_VERSIONS``), in order: cached ones from one
    cache read, the others' posts in one query (and two for their categories and tags). The
    first ``EAGER_CARDS`` load their pictures at once."""
    keys = {
        card_key(*row, eager=index < EAGER_CARDS): (row[0], index < EAGER_CARDS)
        for index, row in enumerate(rows)
    }
    found = cache.get_many(list(keys))
    missing = [pk for key, (pk, _) in keys.items() if key not in found]
    loaded = {}
    if missing:
        posts = with_ratings(Post.objects.published().for_listing().filter(pk__in=missing))
        loaded = {post.pk: post for post in posts}
    cards = []
    for key, (pk, eager) in keys.items():
        if key in found:
            cards.append(PostCard(pk, key, html=found[key], eager=eager))
        elif pk in loaded:
            cards.append(PostCard(pk, key, post=loaded[pk], eager=eager))
    return cards


class FeedLink:
    """A feed a page offers: its name and both formats' addresses (Atom and RSS 2.0)."""

    def __init__(self, title: str, url_name: str, *args):
        self.title = title
        self.atom = reverse(url_name, args=args)
        self.rss = reverse(f"{url_name}_rss", args=args)


class ListingPageMixin:
    """What a list of posts tells readers, search engines and feed readers beyond its posts:
    title and description, canonical address (page-number aware), breadcrumb trail and feeds."""

    page_title = ""

    def get_page_title(self) -> str:
        return self.page_title

    def get_meta_description(self) -> str:
        return ""

    def get_breadcrumbs(self) -> list[tuple[str, str]]:
        """The trail after Home, as ``(name, path)`` pairs ending with this page."""
        return []

    def get_feeds(self) -> list[FeedLink]:
        """The page's own feeds (the site's are offered on every page)."""
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        number = page.number if page is not None else 1
        title = self.get_page_title()
        if title and number > 1:
            title = f"{title}, page {number}"
        elif number > 1:
            title = f"Latest posts, page {number}"
        trail = self.get_breadcrumbs()
        context.update(
            page_title=title,
            meta_description=seo.describe(self.get_meta_description()),
            canonical_url=seo.canonical_url(self.request, number),
            breadcrumbs=seo.breadcrumbs(self.request, *trail) if trail else None,
            page_feeds=self.get_feeds(),
        )
        return context


class PostListView(ListingPageMixin, PublishedPostListView):
    pass


class CategoryView(ListingPageMixin, PublishedPostListView):
    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().in_category(self.category)

    def get_page_title(self):
        return self.category.name

    def get_meta_description(self):
        site = SiteIdentity.current().name
        return self.category.description or f"Posts filed under {self.category.name} on {site}."

    def get_breadcrumbs(self):
        return [(self.category.name, self.category.get_absolute_url())]

    def get_feeds(self):
        return [FeedLink(self.category.name, "blog:category_feed", self.category.slug)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.category.name,
            kicker="Category",
            description=self.category.description,
            category=self.category,
            **kwargs,
        )


class TagView(ListingPageMixin, PublishedPostListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().tagged(self.tag)

    def get_page_title(self):
        return f"Posts tagged {self.tag.name}"

    def get_meta_description(self):
        return f"Posts tagged {self.tag.name} on {SiteIdentity.current().name}."

    def get_breadcrumbs(self):
        return [
            ("Tags", reverse("blog:tag_index")),
            (f"#{self.tag.name}", reverse("blog:tag", args=[self.tag.slug])),
        ]

    def get_feeds(self):
        return [FeedLink(f"#{self.tag.name}", "blog:tag_feed", self.tag.slug)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.tag.name, kicker="Tag", **kwargs)


class YearArchiveView(ListingPageMixin, PublishedPostListView):
    allow_empty = False

    def get_queryset(self):
        return super().get_queryset().in_year(self.kwargs["year"])

    def get_page_title(self):
        return f"Posts of {self.kwargs['year']}"

    def get_meta_description(self):
        return f"Posts published in {self.kwargs['year']} on {SiteIdentity.current().name}."

    def get_breadcrumbs(self):
        year = self.kwargs["year"]
        return [(str(year), reverse("blog:archive_year", args=[year]))]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=str(self.kwargs["year"]), kicker="Archive", **kwargs
        )


class MonthArchiveView(ListingPageMixin, PublishedPostListView):
    allow_empty = False

    def get_queryset(self):
        return super().get_queryset().in_month(self.kwargs["year"], self.kwargs["month"])

    def month_name(self) -> str:
        return datetime.date(self.kwargs["year"], self.kwargs["month"], 1).strftime("%B %Y")

    def get_page_title(self):
        return f"Posts of {self.month_name()}"

    def get_meta_description(self):
        return f"Posts published in {self.month_name()} on {SiteIdentity.current().name}."

    def get_breadcrumbs(self):
        year, month = self.kwargs["year"], self.kwargs["month"]
        return [
            (str(year), reverse("blog:archive_year", args=[year])),
            (self.month_name().split()[0], reverse("blog:archive_month", args=[year, month])),
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.month_name(), kicker="Archive", **kwargs)


# Tag cloud: tags get one of this many sizes, by how many posts carry them.
TAG_SIZES = 5


class TagIndexView(TemplateView):
    """Every tag carried by a published post, by name, sized by how many posts carry it."""

    template_name = "blog/tag_index.html"

    def get_context_data(self, **kwargs):
        tags = list(Post.objects.published().tag_counts())
        return super().get_context_data(
            tags=sized_tags(tags),
            page_title="Tags",
            meta_description=seo.describe(
                f"Every tag on {SiteIdentity.current().name}, with its number of posts."
            ),
            canonical_url=seo.canonical_url(self.request),
            breadcrumbs=seo.breadcrumbs(self.request, ("Tags", self.request.path)),
            **kwargs,
        )


def sized_tags(tags: list[dict]) -> list[dict]:
    """The tags, each given a ``size`` from 1 to TAG_SIZES by its post count, on a logarithmic
    scale between the least and the most used (so a few very common tags do not shrink the rest
    to one size)."""
    if not tags:
        return []
    low = math.log(min(t["post_count"] for t in tags))
    high = math.log(max(t["post_count"] for t in tags))
    for tag in tags:
        if high == low:
            tag["size"] = (TAG_SIZES + 1) // 2
        else:
            share = (math.log(tag["post_count"]) - low) / (high - low)
            tag["size"] = 1 + round(share * (TAG_SIZES - 1))
    return tags


def robots_txt(request):
    """Crawlers may read every public page; not the admin, searches or staff previews. Names
    the sitemap."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('blog:search')}",
        f"Disallow: {reverse('blog:post_preview', args=[0]).removesuffix('0/')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class SearchView(PublishedPostListView):
    """Published posts matching the reader's words, most relevant first; with no query, a page
    to start from (recent posts, popular tags)."""

    template_name = "blog/search.html"
    cached_cards = False  # results carry their passages

    def get_queryset(self):
        self.parsed = parse_query(self.request.GET.get("q", ""))
        if not self.parsed.runnable:
            return []
        return search_posts(self.parsed, listing=super().get_queryset(), page=self.page_asked())

    def page_asked(self) -> tuple[int, int] | None:
        """The (offset, limit) of the page the reader asked for, when it is a number."""
        size = self.get_paginate_by(None)
        try:
            number = int(self.request.GET.get(self.page_kwarg) or 1)
        except ValueError:
            return None
        return ((number - 1) * size, size) if number >= 1 else None

    def get_context_data(self, **kwargs):
        parsed = self.parsed
        context = {
            "query": parsed.text,
            "parsed": parsed,
            "max_query_length": MAX_QUERY_LENGTH,
            # Search pages are not indexed (robots block in the template): no canonical address.
            "page_title": f"Search results for “{parsed.text}”" if parsed.text else "Search",
            "breadcrumbs": seo.breadcrumbs(self.request, ("Search", reverse("blog:search"))),
        }
        if not parsed.runnable:
            # The sidebar's cached lists: the page starts readers off without another query.
            sidebar = sidebar_data()
            context |= {"recent_posts": sidebar["recent"], "popular_tags": sidebar["tags"]}
        return super().get_context_data(**context, **kwargs)


class PostDetailView(DetailView):
    template_name = "blog/post_detail.html"
    context_object_name = "post"

    def get_queryset(self):
        return Post.objects.published().for_detail()

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            moved = (
                PostRedirect.objects.filter(
                    old_slug=self.kwargs["slug"], post__in=Post.objects.published()
                )
                .select_related("post")
                .first()
            )
            if moved is None:
                raise
            return redirect(moved.post, permanent=True)
        when = timezone.localtime(self.object.published_at)
        if (when.year, when.month) != (self.kwargs["year"], self.kwargs["month"]):
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        post = self.object
        around = self.surroundings(post)
        categories = around["categories"]
        canonical = self.request.build_absolute_uri(post.get_absolute_url())
        trail = [(c.name, c.get_absolute_url()) for c in categories[:1]]
        context = {
            **around,
            "canonical_url": canonical,
            "page_title": post.title,
            "meta_description": seo.describe(post.summary),
            "breadcrumbs": seo.breadcrumbs(
                self.request, *trail, (post.title, post.get_absolute_url())
            ),
            "share_links": seo.share_links(post.title, canonical),
            "post_fragments": post_fragment_keys(
                post, is_preview=bool(kwargs.get("is_preview")), canonical_url=canonical
            ),
        }
        return super().get_context_data(**context, **kwargs)

    def surroundings(self, post) -> dict:
        """The previous and next posts, categories and tags (four queries), kept under the list
        generation (core.pagecache.lists_key): they change only when posts, categories or tags
        do."""
        key = lists_key("post-surroundings", post.pk)
        found = cache.get(key)
        if found is None:
            found = post_surroundings(post)
            cache.set(key, found, FRAGMENT_SECONDS)
        return found


def post_surroundings(post) -> dict:
    published = Post.objects.published().select_related("author")
    return {
        "previous_post": published.filter(published_at__lt=post.published_at)
        .order_by("-published_at", "-pk")
        .first(),
        "next_post": published.filter(published_at__gt=post.published_at)
        .order_by("published_at", "pk")
        .first(),
        "categories": list(post.categories.all()),
        "tags": list(post.tags.all()),
    }


class PostPreviewView(LoginRequiredMixin, PostDetailView):
    """Staff preview of any post the user may edit, whatever its status."""

    def get_queryset(self):
        return Post.objects.for_detail()

    def get_object(self, queryset=None):
        post = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        user = self.request.user
        if not user.is_staff:
            raise PermissionDenied("Previews are for the blog's staff.")
        if not user.has_perm("blog.view_post") or (
            post.author_id != user.pk and not user.has_perm("blog.edit_others_posts")
        ):
            raise Http404("No post found")
        return post

    def surroundings(self, post) -> dict:
        return post_surroundings(post)  # a draft's, with a made-up date: never cached

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.published_at is None:
            self.object.published_at = timezone.now()
        return self.render_to_response(self.get_context_data(object=self.object, is_preview=True))
