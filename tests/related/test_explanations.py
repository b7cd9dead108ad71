"""What editors see of the computed lists in the post admin: rows headed with the suggested
post's title, and a "why" made of shared tags, categories and telling words, never stop words
or everyday filler."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from related.models import RelatedPost
from related.scoring import meaningful, reason, tag_term
from related.text import stem
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

PROSE = (
    "Wherever regulators look, startups thrive behind the scenes; everyone knows this, and "
    "nothing about it is new. Actually the whole thing is simply a matter of time."
)


def test_filler_and_stop_words_never_explain_a_suggestion():
    for word in ["wherever", "thrive", "behind", "actually", "thing", "whole", "time", "1999"]:
        assert not meaningful(word), word
    # Stems of filler's inflected forms ("changed" → "chang") are filler too.
    for word in ["changed", "changing", "changes", "longer", "ahead", "thriving"]:
        assert not meaningful(stem(word)), word
    assert meaningful("passkey") and meaningful("encrypt")


def test_the_why_lists_shared_tags_then_telling_words_only():
    a = {tag_term("passkeys"): 0.3, "passkey": 0.5, "thrive": 0.4, "regulator": 0.1}
    b = {tag_term("passkeys"): 0.3, "passkey": 0.4, "thrive": 0.6, "regulator": 0.1}
    rarities2 = {tag_term("passkeys"): 1.0, "passkey": 0.8, "thrive": 0.9, "regulator": 0.05}
    why = reason(a, b, rarities2=rarities2, names={tag_term("passkeys"): "Passkeys"})
    assert why == "tags: Passkeys; terms: passkey"  # no filler; a word half the blog has: no


def test_stored_reasons_name_topic_words_not_filler(django_capture_on_commit_callbacks):
    topic = "Passkeys replace passwords with phishing-resistant credentials. "
    with django_capture_on_commit_callbacks(execute=True):
        posts = [PostFactory(title=f"Passkeys {n}", body=PROSE + topic * (n + 1)) for n in range(3)]
        for n in range(6):
            PostFactory(title=f"Garden {n}", body=PROSE + "Tomatoes, beans and compost.")
    reasons = list(RelatedPost.objects.filter(post=posts[0]).values_list("reason", flat=True))
    assert reasons and all("passkey" in r for r in reasons[:2])
    words = {w.strip(",;") for r in reasons for w in r.split()}
    assert not words & {"wherever", "thrive", "behind", "everyone", "actually", "thing"}


def test_admin_rows_are_headed_by_titles_and_explained(client, django_capture_on_commit_callbacks):
    editor = get_user_model().objects.create_superuser("ed", "ed@example.com", "x")
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(title="Passkeys arrive", body="Passkeys replace passwords.")
        other = PostFactory(title="Passkeys explained", body="How passkeys replace passwords.")
        for n in range(4):
            PostFactory(title=f"Garden {n}", body="Tomatoes and beans.")
    client.force_login(editor)
    html = client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert f"#1: {other.title}" in html or f"{other.title}</a>" in html
    assert f" for {post.pk} (#" not in html, "no bare ids"
    assert "Why" in html and "terms: " in html
    assert reverse("admin:blog_post_change", args=[other.pk]) in html
    row = RelatedPost.objects.select_related("related").get(post=post, related=other)
    assert str(row) == f"#1: {other.title}"
