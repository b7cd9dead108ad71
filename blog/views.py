from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from blog.models import Category, Post, PostRedirect
from blog.search import MAX_QUERY_LENGTH, parse_query, search_posts
from blog.sidebar import sidebar_data
from ratings.selectors import with_ratings


class PublishedPostListView(ListView):
    """A paginated list of published posts; subclasses narrow it down."""

    template_name = "blog/post_list.html"
    context_object_name = "posts"

    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE

    def get_queryset(self):
        return with_ratings(Post.objects.published().for_listing())


class PostListView(PublishedPostListView):
    pass


class CategoryView(PublishedPostListView):
    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().in_category(self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.category.name,
            kicker="Category",
            description=self.category.description,
            category=self.category,
            **kwargs,
        )


class TagView(PublishedPostListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().tagged(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.tag.name, kicker="Tag", **kwargs)


class YearArchiveView(PublishedPostListView):
    allow_empty = False

    def get_queryset(self):
        return super().get_queryset().in_year(self.kwargs["year"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=str(self.kwargs["year"]), kicker="Archive", **kwargs
        )


class MonthArchiveView(PublishedPostListView):
    allow_empty = False

    def get_queryset(self):
        return super().get_queryset().in_month(self.kwargs["year"], self.kwargs["month"])

    def get_context_data(self, **kwargs):
        month = timezone.datetime(self.kwargs["year"], self.kwargs["month"], 1)
        return super().get_context_data(heading=month.strftime("%B %Y"), kicker="Archive", **kwargs)


class SearchView(PublishedPostListView):
    """Published posts matching the reader's words, most relevant first; with no query, a page
    to start from (recent posts, popular tags)."""

    template_name = "blog/search.html"

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
        published = Post.objects.published().select_related("author")
        categories = list(post.categories.all())
        context = {
            "previous_post": published.filter(published_at__lt=post.published_at)
            .order_by("-published_at", "-pk")
            .first(),
            "next_post": published.filter(published_at__gt=post.published_at)
            .order_by("published_at", "pk")
            .first(),
            "categories": categories,
            "tags": list(post.tags.all()),
            "canonical_url": self.request.build_absolute_uri(post.get_absolute_url()),
        }
        return super().get_context_data(**context, **kwargs)


class PostPreviewView(LoginRequiredMixin, PostDetailView):
    """Staff preview of any post the user may edit, whatever its status."""

    def get_queryset(self):
        return Post.objects.for_detail()

    def get_object(self, queryset=None):
        post = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        user = self.request.user
        if not user.is_staff:
            raise PermissionDenied("Previews are for the blog's staff.")
        if post.author_id != user.pk and not user.has_perm("blog.edit_others_posts"):
            raise Http404("No post found")
        return post

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.published_at is None:
            self.object.published_at = timezone.now()
        return self.render_to_response(self.get_context_data(object=self.object, is_preview=True))
