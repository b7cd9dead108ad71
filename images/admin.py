"""The media library in the admin: a searchable grid of pictures, uploads of several at once,
a page per picture (description, caption, credit, focal point, where it is used), and the
chooser the post form opens to place a picture or pick its featured image."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from images import conf
from images.forms import ImageChangeForm, ImageUploadForm
from images.html import picture_html
from images.markdown import figure_markdown
from images.models import Image
from images.services import (
    DESCRIPTION_FIELDS,
    duplicates_of,
    image_create,
    image_update,
    image_usages,
)
from images.templatetags.images_tags import rendition_url

CHOOSER_PAGE_SIZE = 24
SEARCH_FIELDS = ["title", "alt_text", "caption", "credit", "original_name"]


class UploaderFilter(admin.SimpleListFilter):
    """A shortcut to one's own pictures, above the list of every uploader."""

    title = "owner"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "Mine")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(uploaded_by=request.user)
        return queryset


def admin_url_of(obj) -> str | None:
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    except NoReverseMatch:
        return None


def search(queryset, terms: str):
    for word in terms.split()[:10]:
        match = Q()
        for field in SEARCH_FIELDS:
            match |= Q(**{f"{field}__icontains": word[:100]})
        queryset = queryset.filter(match)
    return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageChangeForm
    change_list_template = "admin/images/image/change_list.html"
    change_form_template = "admin/images/image/change_form.html"
    list_display = ["title", "uploaded_by", "created_at"]
    list_filter = [UploaderFilter, ("uploaded_by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["uploaded_by"]
    search_fields = SEARCH_FIELDS
    search_help_text = "Searches titles, descriptions, captions, credits and file names."
    list_per_page = 48
    actions = None
    readonly_fields = ["preview", "details", "markdown", "usage"]
    fieldsets = [
        (None, {"fields": ["preview", "title", "alt_text", "caption", "credit"]}),
        (
            "Focal point",
            {
                "fields": ["focal_x", "focal_y"],
                "description": "Click the picture where its subject is: square thumbnails and "
                "avatars are cut around that point. Without a mouse, give it as two numbers "
                "from 0 to 1 (0.5 and 0.5 is the middle).",
            },
        ),
        ("Placing it", {"fields": ["markdown", "usage", "details"]}),
    ]

    # --- who may do what ----------------------------------------------------------------------
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        # The library is shared: every member of staff may see and place its pictures.
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return conf.can_upload(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return conf.can_upload(request.user) or conf.can_manage_all(request.user)
        return conf.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    # --- the grid -----------------------------------------------------------------------------
    def changelist_view(self, request, extra_context=None):
        extra = {
            "can_upload": self.has_add_permission(request),
            "title": "Media library",
            "subtitle": None,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Pictures are added by uploading (add_view), never through this form.
        extra = {"show_save_and_add_another": False, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    # --- upload -------------------------------------------------------------------------------
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImageUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            created = self.upload(request, form)
            if len(created) == 1:
                return HttpResponseRedirect(
                    reverse("admin:images_image_change", args=[created[0].pk])
                )
            return HttpResponseRedirect(reverse("admin:images_image_changelist") + "?mine=1")
        context = {
            **self.admin_site.each_context(request),
            "title": "Upload pictures",
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            "max_bytes": settings.REQUEST_BODY_MAX_BYTES,
            "max_mb": settings.REQUEST_BODY_MAX_BYTES // (1024 * 1024),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/images/image/upload.html", context)

    def upload(self, request, form) -> list[Image]:
        created = []
        try:
            with transaction.atomic():
                for upload in form.cleaned_data["files"]:
                    upload.seek(0)
                    image = image_create(
                        data=upload.read(),
                        name=upload.name,
                        uploaded_by=request.user,
                        alt_text=form.cleaned_data["alt_text"],
                        caption=form.cleaned_data["caption"],
                        credit=form.cleaned_data["credit"],
                    )
                    created.append(image)
                    self.log_addition(request, image, [{"added": {}}])
        except BaseException:
            from images.signals import delete_files_on_commit

            for image in created:
                delete_files_on_commit(image.stored_names())
            raise
        messages.success(
            request,
            f"{len(created)} picture{'s' if len(created) != 1 else ''} added to the library.",
        )
        for image in created:
            twin = duplicates_of(image).first()
            if twin:
                messages.warning(
                    request,
                    format_html(
                        '“{}” is the same file as <a href="{}">{}</a>, already in the library: '
                        "you may delete the new copy and use that one.",
                        image.original_name,
                        reverse("admin:images_image_change", args=[twin.pk]),
                        twin,
                    ),
                )
        return created

    # --- one picture --------------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        if not change:  # pictures are added only through add_view (image_create)
            raise PermissionDenied
        original = Image.objects.get(pk=obj.pk)
        fields = {*DESCRIPTION_FIELDS, "focal_x", "focal_y"}
        image_update(
            image=original,
            **{name: form.cleaned_data[name] for name in form.changed_data if name in fields},
        )

    @admin.display(description="Picture")
    def preview(self, obj):
        if obj is None or not obj.pk:
            return ""
        picture = picture_html(
            obj, alt=obj.description, sizes="(min-width: 60rem) 40rem, 90vw", lazy=False
        )
        return format_html(
            '<div class="focal-picker" data-focal-picker title="Click to set the focal point">{}'
            '<span class="focal-picker__dot" style="left: {}%; top: {}%" aria-hidden="true"></span>'
            "</div>",
            picture,
            round(obj.focal_x * 100, 1),
            round(obj.focal_y * 100, 1),
        )

    @admin.display(description="File")
    def details(self, obj):
        uploader = obj.uploaded_by.get_username() if obj.uploaded_by else "—"
        return format_html(
            '<ul class="image-details"><li>{}×{} pixels, {} KB</li><li>Uploaded as “{}” by {} '
            "on {}</li><li>{} renditions (widths and square crops, WebP and {}) · "
            '<a href="{}" target="_blank" rel="noopener">original file</a></li></ul>',
            obj.width,
            obj.height,
            max(1, round(obj.file_size / 1024)),
            obj.original_name or "—",
            uploader,
            obj.created_at.date() if obj.created_at else "—",
            len(obj.renditions or ()),
            obj.file_format.upper(),
            obj.url,
        )

    @admin.display(description="Markdown")
    def markdown(self, obj):
        return format_html(
            '<div class="image-markdown"><code data-markdown>{}</code> '
            '<button type="button" class="button" data-copy-markdown="{}">Copy Markdown'
            "</button></div>"
            '<div class="help">Paste it on a line of its own in a post\'s body to show the '
            "picture there with its caption and credit. The text in brackets is the description; "
            'add a caption for that post only in quotes: <code>![…](image:{} "Caption (Source: '
            'credit)")</code>.</div>',
            figure_markdown(obj),
            figure_markdown(obj),
            obj.pk,
        )

    @admin.display(description="Used in")
    def usage(self, obj):
        usages = image_usages(obj)
        if not usages:
            return "Not used yet: it can be deleted."
        return format_html(
            '<ul class="image-usage">{}</ul>',
            format_html_join(
                "",
                "<li>{}: {}</li>",
                (
                    (
                        capfirst(how),
                        format_html('<a href="{}">{}</a>', url, used)
                        if (url := admin_url_of(used))
                        else used,
                    )
                    for how, used in usages
                ),
            ),
        )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A body placing the picture does not stop the database deleting it: say it here.
        for image in objs:
            for how, used in image_usages(image):
                relation = [r for r in Image._meta.related_objects if r.field.verbose_name == how]
                if relation and relation[0].many_to_many:
                    url = admin_url_of(used)
                    label = f"{capfirst(how)} in {used._meta.verbose_name}: {used}"
                    protected.append(
                        format_html('<a href="{}">{}</a>', url, label) if url else label
                    )
        return deleted, counts, perms_needed, protected

    # --- the chooser --------------------------------------------------------------------------
    def get_urls(self):
        chooser = self.admin_site.admin_view(self.chooser_view)
        return [path("chooser/", chooser, name="images_image_chooser"), *super().get_urls()]

    def chooser_view(self, request):
        """The library as JSON for the post form's chooser: a page of pictures, newest first,
        matching ``q``; ``mine=1`` keeps the user's own."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        images = Image.objects.select_related("uploaded_by").order_by("-created_at", "-pk")
        terms = request.GET.get("q", "")[:200]
        if terms.strip():
            images = search(images, terms)
        if request.GET.get("mine") == "1":
            images = images.filter(uploaded_by=request.user)
        page_number = request.GET.get("page", "1")
        page = Paginator(images, CHOOSER_PAGE_SIZE).get_page(
            page_number if page_number.isdigit() else 1
        )
        return JsonResponse(
            {
                "results": [
                    {
                        "id": image.pk,
                        "title": str(image),
                        "alt": image.alt_text,
                        "caption": image.caption,
                        "credit": image.credit,
                        "width": image.width,
                        "height": image.height,
                        "thumbnail": rendition_url(image, "sq192"),
                        "markdown": figure_markdown(image),
                        "edit_url": reverse("admin:images_image_change", args=[image.pk]),
                    }
                    for image in page.object_list
                ],
                "page": page.number,
                "pages": page.paginator.num_pages,
                "count": page.paginator.count,
                "upload_url": reverse("admin:images_image_add")
                if self.has_add_permission(request)
                else "",
            }
        )
