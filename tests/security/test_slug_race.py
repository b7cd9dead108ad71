"""Two posts of the same title created at the same moment both get a slug of their own; the
second never fails with a database error (checklist K9)."""

import pytest
from django.utils import timezone

from blog import models as blog_models
from blog.models import Post
from tests.factories import UserFactory
from tests.ratings.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_slug_taken_between_choosing_and_saving_is_replaced_by_the_next_free_one(monkeypatch):
    writer = UserFactory()
    Post.objects.create(title="Same title", author=writer, body="First.")
    real = blog_models.unique_slug
    stale = iter(["same-title"])  # what a concurrent save saw before the first one committed

    def stale_then_real(title, *, taken, max_length=200):
        return next(stale, None) or real(title, taken=taken, max_length=max_length)

    monkeypatch.setattr(blog_models, "unique_slug", stale_then_real)
    second = Post.objects.create(title="Same title", author=writer, body="Second.")
    assert second.slug == "same-title-2"
    assert Post.objects.filter(title="Same title").count() == 2


@pytest.mark.concurrency
def test_posts_of_one_title_created_at_once_all_get_distinct_slugs():
    writer = UserFactory()

    def create(i):
        Post.objects.create(
            title="Breaking: the same headline",
            author=writer,
            body=f"Version {i}.",
            status=Post.Status.PUBLISHED,
            published_at=timezone.now(),
        )

    errors = run_together(8, create)
    assert errors == []
    slugs = list(Post.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 8
