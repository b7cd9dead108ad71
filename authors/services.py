from django.db import IntegrityError, transaction

from authors.models import AuthorProfile


def profile_ensure(*, user) -> AuthorProfile:
    """Every contributor has exactly one profile; made from their account name when missing."""
    try:
        return AuthorProfile.objects.get(user=user)
    except AuthorProfile.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return AuthorProfile.objects.create(user=user)
    except IntegrityError:  # created at the same moment by another request
        return AuthorProfile.objects.get(user=user)
