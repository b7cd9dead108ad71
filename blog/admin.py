from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, get_deleted_objects, quote
from django.db import router
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from blog.editing_admin import PostEditingAdmin
from blog.editor_admin import PostEditorAdmin
from blog.extensions import post_inlines
from blog.forms import PostAdminForm
from blog.models import Category, Post
from blog.post_list_admin import AuthorListFilter, PostListAdmin
from blog.roles import can_edit_others
from blog.services import post_slug_change
from blog.workflow import may_change_post, may_delete_post
from blog.workflow_admin import StateListFilter, WorkflowAdminMixin, index_panel
from core.admin_base import CheckedModelAdmin
from images.admin_columns import ThumbnailColumnMixin


def rows_about_hidden_posts(rows_by_model, user) -> set:
    """The rows (of any model) that point at a post the user may not see: an entry in the related
    list of another author's scheduled post is such a row."""
    pointers = [
        (row, field.attname)
        for model, rows in rows_by_model.items()
        for field in model._meta.concrete_fields
        if field.many_to_one and field.related_model is Post
        for row in rows
    ]
    referenced = {getattr(row, attname) for row, attname in pointers} - {None}
    visible = set(
        Post.objects.filter(pk__in=referenced).visible_to(user).values_list("pk", flat=True)
    )
    return {row for row, attname in pointers if getattr(row, attname) not in visible | {None}}


def deleted_objects_visible_to(objs, request, admin_site):
    """Django's deletion summary (``admin.utils.get_deleted_objects``), without naming or
    counting the rows that belong to posts the user may not see; they are deleted all the same."""
    collector = NestedObjects(using=router.db_for_write(Post), origin=objs)
    collector.collect(objs)
    hidden = rows_about_hidden_posts(collector.model_objs, request.user)
    perms_needed = set()

    def describe(obj):
        if obj in hidden:
            return None
        opts = obj._meta
        if not admin_site.is_registered(type(obj)):
            return f"{capfirst(opts.verbose_name)}: {obj}"
        if not admin_site.get_model_admin(type(obj)).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[quote(obj.pk)],
            )
        except NoReverseMatch:
            return f"{capfirst(opts.verbose_name)}: {obj}"
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    def shown(nested: list) -> list:
        # A nested list is [item, [its children], item, …]: a hidden item goes with its children.
        result, skip_children = [], False
        for entry in nested:
            if isinstance(entry, list):
                if not skip_children and (children := shown(entry)):
                    result.append(children)
                continue
            skip_children = entry is None
            if entry is not None:
                result.append(entry)
        return result

    to_delete = shown(collector.nested(describe))
    protected = [describe(obj) for obj in collector.protected if obj not in hidden]
    model_count = {
        model._meta.verbose_name_plural: len(rows - hidden)
        for model, rows in collector.model_objs.items()
        if rows - hidden
    }
    return to_delete, model_count, perms_needed, protected


@admin.register(Post)
# WorkflowAdminMixin (blog/workflow_admin.py): status steps, bulk moves, review queue.
# PostEditingAdmin (blog/editing_admin.py): revisions, conflict page, editing notices, autosave.
# PostEditorAdmin (blog/editor_admin.py): the Markdown editor's preview, tag suggestions.
# PostListAdmin (blog/post_list_admin.py): the list's columns.
# ThumbnailColumnMixin (images/admin_columns.py): the featured picture's thumbnail column.
class PostAdmin(
    ThumbnailColumnMixin,
    WorkflowAdminMixin,
    PostEditorAdmin,
    PostListAdmin,
    PostEditingAdmin,
    CheckedModelAdmin,
):
    form = PostAdminForm
    # One column a line: a column is added or removed with one line (and its width in
    # blog/static/blog/admin/post_list.css).
    list_display = [
        "title_cell",
        "author_name",
        "state_label",
        "date_cell",
        "preview_link",
    ]
    list_display_links = ["title_cell"]
    list_filter = [
        StateListFilter,
        "categories",
        "published_at",
        ("author", AuthorListFilter),
    ]
    list_select_related = ["author", "author__profile"]
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
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "excerpt", "body"]}),
        (
            "Featured image",
            {
                "fields": [
                    "featured",
                    "featured_image",
                    "featured_image_alt",
                    "featured_image_caption",
                    "featured_image_credit",
                ]
            },
        ),
        ("Source", {"fields": ["source_name", "source_url"]}),
        ("Filing", {"fields": ["categories", "tags"]}),
    ]

    def get_inlines(self, request, obj):
        # Apps built on the blog (related posts, …) add theirs through blog.extensions.
        return [*super().get_inlines(request, obj), *post_inlines(adding=obj is None)]

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def get_deleted_objects(self, objs, request):
        if can_edit_others(request.user):
            return get_deleted_objects(objs, request, self.admin_site)
        return deleted_objects_visible_to(objs, request, self.admin_site)

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
        # Contributors cannot change a post once it is published (or scheduled).
        return may_change_post(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return may_delete_post(request.user, obj)

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

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if obj.is_public:
            return format_html(
                '<a href="{}" title="View on the site">View</a>', obj.get_absolute_url()
            )
        return format_html(
            '<a href="{}">Preview</a>', reverse("blog:post_preview", kwargs={"pk": obj.pk})
        )

    def view_on_site(self, obj):
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("blog:post_preview", kwargs={"pk": obj.pk})


admin.site.register_index_panel(index_panel)


@admin.register(Category)
class CategoryAdmin(CheckedModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
