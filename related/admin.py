"""The post admin's related-posts inlines, added through the blog's extension point.

They name other posts, so they show a user only the posts the admin may show them
(``Post.objects.visible_to``): public posts and their own, or every post for those who may edit
others' posts. Another author's draft, pending or scheduled post never appears, whatever lists it
is in.
"""

from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.urls import reverse
from django.utils.html import format_html

from blog.extensions import register_post_inline
from blog.models import Post
from related.models import RelatedPost, RelatedPostOverride


class VisiblePostRawIdWidget(ForeignKeyRawIdWidget):
    """The raw-id input of a post, labelled only when the post is one the user may see (Django's
    widget names whatever post the id finds)."""

    def __init__(self, rel, admin_site, *, queryset, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        try:
            if not self.queryset.filter(pk=value).exists():
                return "", ""
        except (TypeError, ValueError, OverflowError):
            return "", ""
        return super().label_and_url_for_value(value)


class RelatedPostOverrideInline(admin.TabularInline):
    """Editors pin posts to the top of this post's related list or keep posts out of it; the
    list is recomputed when they save, and their choices survive every recomputation."""

    model = RelatedPostOverride
    fk_name = "post"
    extra = 0
    fields = ["kind", "other", "position"]
    raw_id_fields = ["other"]
    verbose_name = "related post pin or exclusion"
    verbose_name_plural = "Related posts: pins and exclusions"

    def get_queryset(self, request):
        visible = Post.objects.visible_to(request.user)
        return super().get_queryset(request).filter(other__in=visible).select_related("other")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "other":
            visible = Post.objects.visible_to(request.user)
            kwargs["queryset"] = visible
            kwargs["widget"] = VisiblePostRawIdWidget(
                db_field.remote_field, self.admin_site, queryset=visible, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RelatedPostInline(admin.TabularInline):
    """The computed related posts, read-only: each row is headed by the suggested post's title,
    with its score and why it was suggested (shared tags, categories and telling words)."""

    model = RelatedPost
    fk_name = "post"
    extra = 0
    can_delete = False
    fields = ["related_post", "score_display", "pinned", "why"]
    readonly_fields = fields
    verbose_name = "suggested related post"
    verbose_name_plural = "Related posts: current suggestions (computed)"
    classes = ["related-suggestions"]

    class Media:
        css = {"all": ["related/related-admin.css"]}

    def get_queryset(self, request):
        visible = Post.objects.visible_to(request.user)
        return super().get_queryset(request).filter(related__in=visible).select_related("related")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Suggested post")
    def related_post(self, obj):
        url = reverse(
            f"{self.admin_site.name}:blog_post_change", args=[obj.related_id], current_app=None
        )
        return format_html('{}. <a href="{}">{}</a>', obj.rank, url, obj.related.title)

    @admin.display(description="Score")
    def score_display(self, obj):
        return "—" if obj.pinned or obj.score is None else f"{obj.score:.3f}"

    @admin.display(description="Why")
    def why(self, obj):
        return obj.reason or "—"


register_post_inline(RelatedPostOverrideInline)
# A post being added has no suggestions yet: no empty table on its form.
register_post_inline(RelatedPostInline, when_adding=False)
