"""Author profiles: one per contributor, named and counted by the rules readers see."""

import datetime

from django.utils import timezone

from authors.models import AuthorProfile
from authors.services import profile_ensure
from blog.models import Post
from tests.factories import PostFactory, UserFactory


def test_profile_ensure_makes_one_profile_and_then_returns_it(db):
    user = UserFactory(username="grace", first_name="Grace", last_name="Hopper")
    first = profile_ensure(user=user)
    assert profile_ensure(user=user) == first
    assert AuthorProfile.objects.filter(user=user).count() == 1


def test_display_name_comes_from_the_full_name_then_the_account_name(db):
    named = profile_ensure(user=UserFactory(username="grace", first_name="Grace",
                                            last_name="Hopper"))  # fmt: skip
    unnamed = profile_ensure(user=UserFactory(username="anon", first_name="", last_name=""))
    assert named.display_name == "Grace Hopper"
    assert unnamed.display_name == "anon"


def test_bio_is_rendered_when_the_profile_is_saved(db):
    profile = profile_ensure(user=UserFactory(username="grace"))
    profile.bio = "Wrote the *first* compiler."
    profile.save()
    assert AuthorProfile.objects.get(pk=profile.pk).bio_html == (
        "<p>Wrote the <em>first</em> compiler.</p>"
    )


def test_post_counts_include_published_posts_only(db):
    user = profile_ensure(user=UserFactory(username="grace")).user
    PostFactory(author=user)
    PostFactory(author=user, status=Post.Status.DRAFT, published_at=None)
    PostFactory(author=user, published_at=timezone.now() + datetime.timedelta(days=1))
    profile_ensure(user=UserFactory(username="idle"))
    counts = dict(
        AuthorProfile.objects.with_post_counts().values_list("user__username", "post_count")
    )
    assert counts == {"grace": 1, "idle": 0}
