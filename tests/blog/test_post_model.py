import pytest
from django.db import IntegrityError, transaction

from blog.models import Post
from tests.factories import AuthorProfileFactory, PostFactory


def test_slug_is_made_from_the_title(db):
    assert PostFactory(title="Hello, Policy World!").slug == "hello-policy-world"


def test_unicode_titles_keep_their_letters(db):
    assert PostFactory(title="Überwachung und Datenschutz").slug == "überwachung-und-datenschutz"
    assert PostFactory(title="Кибербезопасность сегодня").slug == "кибербезопасность-сегодня"


def test_title_of_punctuation_only_still_gets_a_slug(db):
    assert PostFactory(title="!!!").slug == "post"


def test_same_title_gets_a_distinct_slug(db):
    first, second, third = (PostFactory(title="Same title") for _ in range(3))
    assert [first.slug, second.slug, third.slug] == ["same-title", "same-title-2", "same-title-3"]


def test_editing_keeps_the_slug(db):
    post = PostFactory(title="Original")
    post.title = "Renamed"
    post.save()
    post.refresh_from_db()
    assert post.slug == "original"


def test_publishing_without_a_date_stamps_now(db):
    user = AuthorProfileFactory().user
    post = Post.objects.create(title="T", body="B", author=user, status=Post.Status.PUBLISHED)
    assert post.published_at is not None
    assert post.is_public


def test_database_refuses_published_post_without_date(db):
    post = PostFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(published_at=None)


def test_url_uses_year_and_month_of_publication(db):
    post = PostFactory(title="Dated")
    when = post.published_at
    assert post.get_absolute_url() == f"/{when.year:04d}/{when.month:02d}/dated/"
