"""The post admin's related-posts inlines, added through the blog's extension point."""

from django.contrib import admin

from blog.extensions import register_post_inline
from related.models import RelatedPost, RelatedPostOverride


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


class RelatedPostInline(admin.TabularInline):
    """The computed related posts, read-only, with why each was suggested."""

    model = RelatedPost
    fk_name = "post"
    extra = 0
    can_delete = False
    fields = ["rank", "related", "score_display", "pinned", "reason"]
    readonly_fields = fields
    verbose_name = "suggested related post"
    verbose_name_plural = "Related posts: current suggestions (computed)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("related")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Score")
    def score_display(self, obj):
        return "—" if obj.pinned else f"{obj.score:.3f}"


register_post_inline(RelatedPostOverrideInline)
register_post_inline(RelatedPostInline)
