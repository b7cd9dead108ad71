"""Staff invitations: a new staff member is created in one step with a role, and chooses their own
password through a link emailed to them (Django's password-reset tokens: the link works for
``PASSWORD_RESET_TIMEOUT``, once, and no longer after a password is set). Nobody else ever
chooses or knows their password.

The account is created (and committed) first, then the email sent: when sending fails, the
account stays and the admin is shown the link to pass on, or resends the invitation later."""

from __future__ import annotations

import datetime
import logging
import re
import smtplib
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from authors.services import profile_ensure
from blog.roles import AUTHORS_GROUP, CONTRIBUTORS_GROUP, EDITORS_GROUP
from core.models import SiteIdentity

logger = logging.getLogger(__name__)

# The roles a new staff member may be given, with what each may do (shown on the form).
ROLES = {
    "contributor": (
        CONTRIBUTORS_GROUP,
        "Contributor",
        "Writes drafts and submits them for review; cannot publish or upload images.",
    ),
    "author": (
        AUTHORS_GROUP,
        "Author",
        "Also publishes and schedules their own posts, edits them after publication and "
        "uploads images.",
    ),
    "editor": (
        EDITORS_GROUP,
        "Editor",
        "Edits, publishes and deletes anyone's posts, reviews submissions, and manages "
        "categories, tags, author profiles and ratings.",
    ),
}
USERNAME_MAX = 150


class InvitationRefused(Exception):
    """The staff member cannot be created as asked (the message says why)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class Invitation:
    user: object
    link: str
    valid_until: datetime.datetime
    sent: bool
    error: str = ""


def username_suggest(first_name: str, last_name: str, *, taken=None) -> str:
    """A username made from the name ("Zoë O'Brien" → "zoe.obrien"), numbered when taken."""
    name = f"{first_name} {last_name}".strip()
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.replace("'", "").lower())
    base = ".".join(words)[: USERNAME_MAX - 4] or "staff"
    if taken is None:
        names = get_user_model().objects.filter(username__istartswith=base)
        taken = {name.lower() for name in names.values_list("username", flat=True)}
    existing = taken
    candidate, n = base, 2
    while candidate.lower() in existing:
        candidate, n = f"{base}{n}", n + 1
    return candidate


def invitation_link(*, user, base_url: str) -> str:
    """The absolute address where ``user`` chooses their password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse(
        "authors:invitation_accept", kwargs={"uidb64": uid, "token": token}
    )


def role_of(user) -> str:
    """The role label of a staff member (the highest of their groups), or ""."""
    names = {group.name for group in user.groups.all()}
    for key in ("editor", "author", "contributor"):
        if ROLES[key][0] in names:
            return ROLES[key][1]
    return ""


def invitation_send(*, user, invited_by, base_url: str) -> Invitation:
    """Email ``user`` a fresh link to choose their password; never raises for a mail failure
    (the result says it was not sent, and why)."""
    link = invitation_link(user=user, base_url=base_url)
    valid_until = timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    site = SiteIdentity.current()
    inviter = _name_of(invited_by)
    context = {
        "user": user,
        "name": user.get_full_name() or user.get_username(),
        "inviter": inviter,
        "site_name": site.name,
        "site_url": base_url.rstrip("/") + "/",
        "admin_url": base_url.rstrip("/") + reverse("admin:index"),
        "role": role_of(user) or "staff member",
        "link": link,
        "valid_until": valid_until,
        "valid_days": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400)),
    }
    # One line, whatever the names hold (a line break would be refused as header injection).
    subject = " ".join(f"{inviter} invited you to write for {site.name}".split())
    body = render_to_string("authors/email/invitation.txt", context)
    try:
        send_mail(subject, body, None, [user.email], fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        logger.error("The invitation to %s could not be sent: %s", user.email, error)
        return Invitation(
            user=user, link=link, valid_until=valid_until, sent=False, error=str(error)[:200]
        )
    return Invitation(user=user, link=link, valid_until=valid_until, sent=True)


def staff_invite(
    *,
    first_name: str,
    last_name: str,
    email: str,
    username: str,
    role: str,
    invited_by,
    base_url: str,
) -> Invitation:
    """Create an active staff account with the role's group, its author profile and no usable
    password, then email the set-password link (see ``invitation_send``)."""
    if role not in ROLES:
        raise InvitationRefused("Choose one of the roles.", field="role")
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise InvitationRefused(
            f"The username “{username}” is taken. Choose another.", field="username"
        )
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationRefused(
            f"A staff member with the email address {email} exists already.", field="email"
        )
    group = Group.objects.filter(name=ROLES[role][0]).first()
    if group is None:  # the groups come from the migrations; someone deleted this one
        raise InvitationRefused(
            f"The group “{ROLES[role][0]}” of this role does not exist: create it under "
            "Groups (or run the migrations again), then add the member.",
            field="role",
        )
    try:
        with transaction.atomic():
            user = User(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=email,
                is_staff=True,
                is_active=True,
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            profile_ensure(user=user)
    except IntegrityError as error:  # the same username made at the same moment
        raise InvitationRefused(
            f"The username “{username}” is taken. Choose another.", field="username"
        ) from error
    return invitation_send(user=user, invited_by=invited_by, base_url=base_url)


def _name_of(user) -> str:
    profile = getattr(user, "profile", None) if user is not None else None
    if profile is not None and profile.display_name:
        return profile.display_name
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()
