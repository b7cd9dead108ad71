"""The columns of the admin's post list, readable at 1280 and 390 px: the title cut to two lines
(the whole of it on hover), the author's display name, one date. ``PostListAdmin`` is mixed into
``blog.admin.PostAdmin``; every column reads the row and what ``list_select_related`` joins, so
the list costs the same number of queries whatever its length."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from blog.models import Post


def author_display_name(user) -> str:
    """The name readers see: the author profile's, else the account's full name, else its
    username (the profile comes with the row: ``select_related("author__profile")``)."""
    try:
        name = user.profile.display_name
    except user._meta.get_field("profile").related_model.DoesNotExist:
        name = ""
    return name or user.get_full_name() or user.get_username()


class AuthorListFilter(admin.RelatedOnlyFieldListFilter):
    """ "By author", by the names readers see (one query, as Django's own filter)."""

    def field_choices(self, field, request, model_admin):
        ids = model_admin.get_queryset(request).order_by().values("author")
        users = get_user_model().objects.filter(pk__in=ids).select_related("profile")
        choices = [(user.pk, author_display_name(user)) for user in users]
        return sorted(choices, key=lambda choice: choice[1].lower())


class PostListAdmin:
    """Display columns of the post list (``list_display`` in ``blog.admin.PostAdmin``)."""

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["blog/admin/post_list.css"]})

    @admin.display(description="Title", ordering="title")
    def title_cell(self, obj: Post):
        return format_html('<span class="post-list-title" title="{}">{}</span>', obj.title, obj)

    @admin.display(description="Author", ordering="author__profile__display_name")
    def author_name(self, obj: Post):
        return author_display_name(obj.author)

    @admin.display(description="Date", ordering="published_at")
    def date_cell(self, obj: Post):
        """Published and scheduled posts: their publication date; the others: when last edited."""
        if obj.published_at is not None and obj.status == Post.Status.PUBLISHED:
            moment = timezone.localtime(obj.published_at)
            return format_html(
                '<time datetime="{}" title="{}">{}</time>',
                moment.isoformat(),
                date_format(moment, "DATETIME_FORMAT"),
                date_format(moment, "M j, Y"),
            )
        moment = timezone.localtime(obj.updated_at)
        return format_html(
            '<time class="post-list-edited" datetime="{}" title="Last edited {}">edited {}</time>',
            moment.isoformat(),
            date_format(moment, "DATETIME_FORMAT"),
            date_format(moment, "M j"),
        )
