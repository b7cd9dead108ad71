"""Scoring rules of the related-posts engine, at the level that owns them (services)."""

import pytest

from related.models import RelatedPost
from related.scoring import idf
from related.text import stem, tokens
from tests.factories import CategoryFactory, PostFactory

FILLER = "Notes from the week about several unrelated things.\n\n"


def related_ids(post) -> list[int]:
    return list(
        RelatedPost.objects.filter(post=post).order_by("rank").values_list("related_id", flat=True)
    )


def test_tokens_drop_stop_words_and_fold_plurals_and_verb_forms():
    assert tokens("The policies of encrypted browsers") == ["policy", "encrypt", "browser"]
    assert stem("passwords") == stem("password")


def test_a_term_on_every_post_weighs_almost_nothing_and_a_rare_one_a_lot():
    assert idf(100, 100) < 0.01 < 2 < idf(1, 100)


@pytest.mark.django_db
def test_rare_shared_tag_beats_common_shared_tag(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(8):
            PostFactory(title=f"Weekly note {n}", body=FILLER, tags=["news"])
        post = PostFactory(title="Alpha", body=FILLER, tags=["news", "quantum"])
        common = PostFactory(title="Beta", body=FILLER, tags=["news"])
        rare = PostFactory(title="Gamma", body=FILLER, tags=["quantum"])
    ids = related_ids(post)
    assert rare.pk in ids
    assert common.pk not in ids or ids.index(rare.pk) < ids.index(common.pk)
    assert ids[0] == rare.pk


@pytest.mark.django_db
def test_title_match_beats_a_mention_in_the_body(django_capture_on_commit_callbacks, settings):
    settings.RELATED_POSTS_MIN_SCORE = 0.0001
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            PostFactory(title=f"Garden diary {n}", body="Tomatoes, beans and weather.")
        post = PostFactory(title="Ransomware negotiators", body="Who pays ransomware gangs.")
        in_title = PostFactory(title="Ransomware in hospitals", body="Hospitals and backups.")
        in_body = PostFactory(
            title="Hospital budgets",
            body="Budgets, staffing and backups. Ransomware is mentioned once.",
        )
    ids = related_ids(post)
    assert ids.index(in_title.pk) < ids.index(in_body.pk)


@pytest.mark.django_db
def test_untagged_posts_still_get_text_based_suggestions(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            PostFactory(title=f"Garden diary {n}", body="Tomatoes, beans and weather.")
        post = PostFactory(title="Passkeys replace passwords", body="Phishing-resistant logins.")
        similar = PostFactory(title="Why passwords fail", body="Phishing steals passwords.")
    assert related_ids(post) == [similar.pk]
    assert related_ids(similar) == [post.pk]
    row = RelatedPost.objects.get(post=post)
    assert "password" in row.reason


@pytest.mark.django_db
def test_shared_category_counts_but_less_than_shared_text(django_capture_on_commit_callbacks):
    policy = CategoryFactory(name="Policy")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            PostFactory(title=f"Garden diary {n}", body="Tomatoes, beans and weather.")
        post = PostFactory(title="Export controls on chips", body=FILLER, categories=[policy])
        same_category = PostFactory(title="Budget hearing", body=FILLER, categories=[policy])
        same_topic = PostFactory(title="Chips export controls tighten", body=FILLER)
    ids = related_ids(post)
    assert ids[:2] == [same_topic.pk, same_category.pk]


@pytest.mark.django_db
def test_a_post_is_never_its_own_related_post(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(title="Lonely topic", body="Nothing else talks about zebras.")
    assert related_ids(post) == []
