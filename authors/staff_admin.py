"""The admin's users: "Add staff member" is one page (name, email, username, role) that emails
the new member a link to choose their password (``authors.staff``); "Resend invitation" sends a
fresh link to members who have not chosen one yet. Everything else, superuser-only fields
included, stays on Django's user change form."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from authors.forms import StaffInviteForm
from authors.staff import (
    ROLES,
    InvitationRefused,
    invitation_send,
    role_of,
    staff_invite,
    username_suggest,
)

User = get_user_model()


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class StaffUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "email", "role", "password_state"]
    actions = ["resend_invitation"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Name", ordering="first_name")
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description="Role")
    def role(self, obj):
        return role_of(obj) or ("Superuser" if obj.is_superuser else "—")

    @admin.display(description="Password")
    def password_state(self, obj):
        if obj.has_usable_password():
            return "Set"
        return format_html(
            '<span class="staff-invited" title="{}">{}</span>',
            "Invited: they have not chosen a password yet (Resend invitation sends a new link).",
            "Invited",
        )

    # --- "Add staff member": one page ----------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StaffInviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            username = data["username"] or username_suggest(data["first_name"], data["last_name"])
            try:
                invitation = staff_invite(
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    username=username,
                    role=data["role"],
                    invited_by=request.user,
                    base_url=base_url(request),
                )
            except InvitationRefused as refusal:
                form.add_error(refusal.field, str(refusal))
            else:
                self.log_addition(request, invitation.user, [{"added": {}}])
                return self.invitation_response(request, [invitation], created=True)
        context = {
            **self.admin_site.each_context(request),
            "title": "Add staff member",
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "roles": ROLES,
            "errors": form.errors if request.method == "POST" else None,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/auth/user/invite.html", context)

    def invitation_response(self, request, invitations, *, created: bool):
        context = {
            **self.admin_site.each_context(request),
            "title": "Staff member added" if created else "Invitations sent again",
            "subtitle": None,
            "opts": self.opts,
            "invitations": invitations,
            "created": created,
            "add_url": reverse("admin:auth_user_add"),
            "list_url": reverse("admin:auth_user_changelist"),
        }
        return TemplateResponse(request, "admin/auth/user/invite_done.html", context)

    # --- "Resend invitation" -------------------------------------------------------------------

    @admin.action(description="Resend invitation (a new link to choose a password)")
    def resend_invitation(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        pending = [
            user
            for user in queryset.order_by("pk")
            if user.is_active and user.email and not user.has_usable_password()
        ]
        skipped = queryset.count() - len(pending)
        if not pending:
            self.message_user(
                request,
                "Nothing sent: invitations go only to active members with an email address who "
                "have not chosen a password yet.",
                messages.WARNING,
            )
            return None
        invitations = [
            invitation_send(user=user, invited_by=request.user, base_url=base_url(request))
            for user in pending
        ]
        for invitation in invitations:
            self.log_change(request, invitation.user, "Sent the invitation again.")
        if skipped:
            self.message_user(
                request,
                f"{skipped} selected account(s) skipped: they have chosen a password already, "
                "are inactive or have no email address.",
                messages.WARNING,
            )
        return self.invitation_response(request, invitations, created=False)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
