"""The tags field suggests existing tags as one types: those starting with the text first, at
most ten, one query, only for people who may tag posts; the field stays a plain text input."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from blog.editor_admin import TAG_SUGGESTIONS
from tests.factories import UserFactory

URL = reverse("admin:blog_post_tag_suggestions")


@pytest.fixture
def tags(db):
    for name in ["privacy", "data privacy", "Privacy Shield", "encryption", "export controls"]:
        Tag.objects.create(name=name)


def names(response) -> list[str]:
    assert response.status_code == 200
    return [row["name"] for row in response.json()["results"]]


def test_tags_starting_with_the_text_come_first(client, author, tags):
    client.force_login(author)
    assert names(client.get(URL, {"q": "priv"})) == ["privacy", "Privacy Shield", "data privacy"]


def test_matching_ignores_case_and_quotes(client, author, tags):
    client.force_login(author)
    assert names(client.get(URL, {"q": '"EXPORT'})) == ["export controls"]


def test_nothing_typed_suggests_nothing(client, author, tags):
    client.force_login(author)
    assert names(client.get(URL, {"q": "  "})) == []
    assert names(client.get(URL)) == []


@pytest.mark.parametrize("count", [1, 40])
def test_at_most_ten_suggestions_in_one_query(client, author, django_assert_num_queries, count):
    Tag.objects.bulk_create(
        [Tag(name=f"policy {i:02}", slug=f"policy-{i:02}") for i in range(count)]
    )
    client.force_login(author)
    client.get(URL, {"q": "pol"})
    # The session, the user, their permissions (user, groups) = 4; the tags (1).
    with django_assert_num_queries(5):
        response = client.get(URL, {"q": "pol"})
    assert len(names(response)) == min(count, TAG_SUGGESTIONS)


def test_over_long_text_is_refused_with_a_message(client, author):
    client.force_login(author)
    response = client.get(URL, {"q": "x" * 101})
    assert response.status_code == 400
    assert "at most 100 characters" in response.json()["error"]


def test_hostile_text_is_only_text(client, author, tags):
    client.force_login(author)
    assert names(client.get(URL, {"q": "%' OR 1=1 --"})) == []
    assert names(client.get(URL, {"q": "_"})) == []


def test_staff_who_may_not_write_posts_are_refused(client, db):
    client.force_login(UserFactory(username="clerk", is_staff=True))
    assert client.get(URL, {"q": "p"}).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, tags):
    response = client.get(URL, {"q": "p"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_post_is_not_answered(client, author):
    client.force_login(author)
    assert client.post(URL, {"q": "p"}).status_code == 405


def test_the_tags_field_stays_a_text_field_with_suggestions_added_by_script(client, author):
    client.force_login(author)
    html = client.get(reverse("admin:blog_post_add")).content.decode()
    assert 'name="tags"' in html and 'type="text"' in html
    assert f'data-tags-url="{URL}"' in html
    assert "blog/admin/post_tags.js" in html
    assert "Existing tags are suggested as you type" in html
