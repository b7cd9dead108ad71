from django.db import IntegrityError, transaction

from authors.models import AuthorProfile, account_name


def profile_ensure(*, user) -> AuthorProfile:
    """Every contributor has exactly one profile; made from their account name when missing."""
    try:
        return AuthorProfile.objects.get(user=user)
    except AuthorProfile.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return AuthorProfile.objects.create(user=user, display_name=account_name(user))
    except IntegrityError:  # created at the same moment by another request
        return AuthorProfile.objects.get(user=user)


def profile_name_follow(*, user, previous_names: set[str]) -> AuthorProfile | None:
    """The account's name changed (its full name set later, a new username): the profile's
    display name follows while it is still the one the account gave (one of
    ``previous_names``, the username and full name before the change). A display name someone
    chose is kept. Saved with ``save()``, so the author's posts are stamped and indexed again
    and cached pages showing the name are rendered again (authors.signals)."""
    name = account_name(user)
    with transaction.atomic():
        profile = AuthorProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            return profile_ensure(user=user)
        if profile.display_name != name and profile.display_name in previous_names:
            profile.display_name = name
            profile.save(update_fields=["display_name"])
    return profile
