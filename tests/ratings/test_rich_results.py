"""schema.org AggregateRating in the post page's JSON-LD, once there is a vote."""

import json
import re

import pytest

from ratings.models import RatingRule
from tests.ratings.conftest import cast, rule_for, vote_url

pytestmark = pytest.mark.django_db


def json_ld(client, post) -> dict:
    html = client.get(post.get_absolute_url()).content.decode()
    head = html.split("</head>")[0]
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    # The post's own block (the page also describes its breadcrumb trail).
    [posting] = [b for b in map(json.loads, blocks) if b["@type"] == "BlogPosting"]
    return posting


def test_no_aggregate_rating_before_the_first_vote(client, post):
    data = json_ld(client, post)
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == post.title
    assert "aggregateRating" not in data


def test_aggregate_rating_after_votes(client, post):
    cast(post, 5)
    cast(post, 4)
    data = json_ld(client, post)
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.5,
        "ratingCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert data["author"] == {"@type": "Person", "name": post.author_name}


def test_setting_turns_rich_results_off(client, post, settings):
    cast(post, 5)
    settings.RATINGS_RICH_SNIPPETS = False
    assert "aggregateRating" not in json_ld(client, post)


def test_hidden_ratings_are_not_in_the_json_ld_nor_on_the_page(client, post):
    cast(post, 5)
    rule_for(post, access=RatingRule.Access.HIDDEN)
    assert "aggregateRating" not in json_ld(client, post)
    assert 'class="rating' not in client.get(post.get_absolute_url()).content.decode()


def test_json_ld_escapes_markup_in_titles(client):
    from tests.factories import PostFactory

    post = PostFactory(title="</script><script>alert(1)</script>")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(client, post)["headline"] == post.title


def test_a_model_left_out_of_the_allow_list_shows_no_widget(client, post, settings):
    settings.RATINGS_MODELS = {}
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'class="rating' not in html
    assert "aggregateRating" not in html
    assert client.post(vote_url(post), {"score": "4"}).status_code == 404
