from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from blog.extensions import post_inlines
from blog.forms import PostAdminForm
from blog.models import Category, Post
from blog.services import post_slug_change
from core.admin_base import CheckedModelAdmin


def can_edit_others(user) -> bool:
    return user.has_perm("blog.edit_others_posts")


@admin.register(Post)
class PostAdmin(CheckedModelAdmin):
    form = PostAdminForm
    list_display = ["title", "author", "status", "published_at", "updated_at", "preview_link"]
    list_filter = [
        "status",
        "categories",
        "published_at",
        ("author", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["author"]
    search_fields = [
        "title",
        "excerpt",
        "body",
        "author__username",
        "author__profile__display_name",
    ]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["categories"]
    actions = ["publish_selected"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "excerpt", "body", "opened_version"]}),
        (
            "Featured image",
            {
                "fields": [
                    "featured_image",
                    "featured_image_alt",
                    "featured_image_caption",
                    "featured_image_credit",
                ]
            },
        ),
        ("Source", {"fields": ["source_name", "source_url"]}),
        ("Filing", {"fields": ["categories", "tags"]}),
        ("Publication", {"fields": ["status", "published_at"]}),
    ]

    def get_inlines(self, request, obj):
        # Apps built on the blog (related posts, …) add theirs through blog.extensions.
        return [*super().get_inlines(request, obj), *post_inlines()]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if can_edit_others(request.user):
            return queryset
        return queryset.filter(author=request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_edit_others(request.user):
            return fieldsets
        # Authors never choose (or change) who wrote a post: it is always themselves.
        first_name, first = fieldsets[0]
        fields = [f for f in first["fields"] if f != "author"]
        return [(first_name, {**first, "fields": fields}), *fieldsets[1:]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return obj.author_id == request.user.pk or can_edit_others(request.user)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return obj.author_id == request.user.pk or can_edit_others(request.user)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return obj.author_id == request.user.pk or can_edit_others(request.user)

    def save_model(self, request, obj, form, change):
        if not change and not can_edit_others(request.user):
            obj.author = request.user
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            post_slug_change(post=obj, old_slug=form.initial.get("slug", ""))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("blog.publish_post"):
            actions.pop("publish_selected", None)
        return actions

    @admin.action(description="Publish selected posts now", permissions=["change"])
    def publish_selected(self, request, queryset):
        if not request.user.has_perm("blog.publish_post"):
            self.message_user(request, "You may not publish posts.", messages.ERROR)
            return
        count = 0
        for post in queryset.exclude(status=Post.Status.PUBLISHED):
            post.status = Post.Status.PUBLISHED
            post.save()
            count += 1
        self.message_user(request, f"Published {count} post(s).", messages.SUCCESS)

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if obj.is_public:
            return format_html('<a href="{}">View on site</a>', obj.get_absolute_url())
        return format_html(
            '<a href="{}">Preview</a>', reverse("blog:post_preview", kwargs={"pk": obj.pk})
        )

    def view_on_site(self, obj):
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("blog:post_preview", kwargs={"pk": obj.pk})


@admin.register(Category)
class CategoryAdmin(CheckedModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
