from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from authors import staff_admin  # noqa: F401 (the users' admin: "Add staff member")
from authors.models import AuthorProfile
from authors.services import profile_ensure
from blog.images import CleanImageField
from core.admin_base import CheckedModelAdmin


class AuthorProfileForm(forms.ModelForm):
    avatar = CleanImageField(
        required=False, help_text="A square photo or picture works best. Stored re-encoded."
    )

    class Meta:
        model = AuthorProfile
        fields = [
            "user",
            "display_name",
            "bio",
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
