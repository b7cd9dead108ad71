"""An average is written one way everywhere: the post's widget, post lists and the admin."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from ratings.forms import VoteForm, field_name
from ratings.models import RatingAggregate
from ratings.policy import rating_policy
from ratings.summaries import average_text
from tests.factories import CategoryFactory, PostFactory
from tests.ratings.conftest import cast, criteria_set, rule_for


@pytest.mark.parametrize(
    ("average", "options", "text"),
    [
        (None, {}, ""),
        (None, {"thumbs": True}, ""),
        (25 / 6, {}, "4.2"),
        (4.0, {}, "4.0"),
        (5 / 6, {"thumbs": True}, "83%"),
        (1.0, {"thumbs": True}, "100%"),
        (25 / 6, {"places": 2}, "4.17"),
        (5 / 6, {"thumbs": True, "places": 1}, "83.3%"),
    ],
)
def test_stars_get_one_decimal_and_thumbs_a_whole_percent(average, options, text):
    assert average_text(average, **options) == text


@pytest.mark.django_db
def test_post_page_and_post_list_write_the_same_star_average(client):
    post = PostFactory()
    for score in (5, 4, 4, 4, 4, 4):  # 25 / 6 = 4.1666…
        cast(post, score)
    page = client.get(post.get_absolute_url()).content.decode()
    listing = client.get("/").content.decode()
    assert "Rating: <strong>4.2</strong>/5" in page
    assert "Rated </span>4.2/5 (6 votes)" in listing


@pytest.mark.django_db
def test_post_page_and_post_list_write_the_same_share_of_thumbs_up(client):
    category = CategoryFactory()
    post = PostFactory(categories=[category])
    rule_for(category, rating_set=criteria_set("Useful?", ("Useful",), mode="thumbs"))
    for score in (1, 1, 1, 1, 1, 0):
        cast(post, useful=score)
    page = client.get(post.get_absolute_url()).content.decode()
    listing = client.get("/").content.decode()
    assert "Rating: <strong>83%</strong> thumbs up" in page
    assert "83% thumbs up (6 votes)" in listing


@pytest.mark.django_db
def test_admin_statistics_show_the_average_with_two_decimals(client, editor, post):
    for score in (5, 4, 4):
        cast(post, score)
    client.force_login(editor)
    html = client.get(reverse("admin:ratings_ratingaggregate_changelist")).content.decode()
    assert '<td class="field-average_display">4.33</td>' in html
    aggregate = RatingAggregate.objects.get(
        content_type=ContentType.objects.get_for_model(post), object_id=post.pk
    )
    detail = reverse("admin:ratings_ratingaggregate_change", args=[aggregate.pk])
    assert "4.33" in client.get(detail).content.decode()


@pytest.mark.django_db
def test_widget_radio_names_are_the_names_the_vote_form_reads(client):
    category = CategoryFactory()
    post = PostFactory(categories=[category])
    rule_for(category, rating_set=criteria_set())
    page = client.get(post.get_absolute_url()).content.decode()
    policy = rating_policy(post, user=AnonymousUser())
    names = [field_name(policy, c) for c in policy.criteria]
    assert names == ["score-analysis", "score-sources", "score-writing"]
    assert list(VoteForm(policy=policy).fields) == names
    for name in names:
        assert f'name="{name}"' in page
