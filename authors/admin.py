from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from authors import staff_admin  # noqa: F401 (the users' admin: "Add staff member")
from authors.models import AuthorProfile
from authors.services import profile_ensure
from blog.roles import can_upload_media
from core.admin_base import CheckedModelAdmin
from images.forms import ImageUploadField
from images.models import Image
from images.services import image_create
from images.widgets import ImageChooserWidget


class AuthorProfileForm(forms.ModelForm):
    request_user = None  # set by AuthorProfileAdmin.get_form

    avatar_picture = forms.ModelChoiceField(
        queryset=Image.objects.all(),
        required=False,
        label="Avatar",
        widget=ImageChooserWidget,
        help_text="Shown as a circle beside the author's posts: choose a picture of the media "
        "library (its focal point says where the face is), or upload one below.",
        error_messages={"invalid_choice": "No picture of the media library has this number."},
    )
    # An upload lands in the media library and becomes the avatar (save()).
    avatar = ImageUploadField(
        required=False,
        label="Or upload a new avatar",
        help_text="A square photo or picture works best; JPEG, PNG, WebP or GIF. It is added to "
        "the media library, re-encoded without camera metadata.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request_user
        if user is not None and not can_upload_media(user) and "avatar" in self.fields:
            self.fields["avatar"].disabled = True
            self.fields["avatar"].help_text = (
                "Only authors and editors can add pictures to the media library: choose one "
                "already there, or ask an editor to upload yours."
            )

    def save(self, commit=True):
        upload = self.cleaned_data.get("avatar")
        if upload:
            upload.seek(0)
            self.instance.avatar_picture = image_create(
                data=upload.read(),
                name=upload.name,
                uploaded_by=self.request_user,
                alt_text=self.instance.display_name,
                title=f"Avatar: {self.instance.display_name}",
            )
        if upload or "avatar_picture" in self.changed_data:
            self.instance.avatar = ""
        return super().save(commit)

    class Meta:
        model = AuthorProfile
        fields = [
            "user",
            "display_name",
            "bio",
            "avatar_picture",
            "avatar",
            "website",
            "mastodon",
            "bluesky",
            "linkedin",
            "github",
            "joined",
        ]


def can_edit_others(user) -> bool:
    return user.has_perm("authors.add_authorprofile")


@admin.register(AuthorProfile)
class AuthorProfileAdmin(CheckedModelAdmin):
    form = AuthorProfileForm
    list_display = ["display_name", "user", "joined"]
    search_fields = ["display_name", "user__username", "user__email"]
    list_select_related = ["user"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if can_edit_others(request.user):
            return queryset
        return queryset.filter(user=request.user)

    def changelist_view(self, request, extra_context=None):
        if can_edit_others(request.user):
            return super().changelist_view(request, extra_context)
        # An author has one profile to manage: open it straight away (made on first visit).
        profile = profile_ensure(user=request.user)
        return redirect(reverse("admin:authors_authorprofile_change", args=[profile.pk]))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        if can_edit_others(request.user):
            return []
        return ["user", "joined"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return obj.user_id == request.user.pk or can_edit_others(request.user)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return obj.user_id == request.user.pk or can_edit_others(request.user)
