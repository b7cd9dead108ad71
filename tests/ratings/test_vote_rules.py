"""The vote rules, at the service that owns them."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ratings.errors import (
    AlreadyVoted,
    InvalidScore,
    OwnObject,
    RateLimited,
    SignInRequired,
    VotingClosed,
)
from ratings.limits import rate_counters_prune
from ratings.models import RateCounter, RatingAggregate, RatingRule, Vote
from ratings.policy import rating_policy
from ratings.readers import ip_hash
from tests.factories import CategoryFactory, PostFactory, UserFactory
from tests.ratings.conftest import cast, criteria_set, rule_for

pytestmark = pytest.mark.django_db


def aggregate(post):
    return RatingAggregate.objects.get(
        content_type=ContentType.objects.get_for_model(post), object_id=post.pk
    )


def test_first_vote_creates_the_vote_and_the_aggregate(post):
    summary = cast(post, 4)
    assert (summary.count, summary.average, summary.your_score) == (1, 4.0, 4)
    assert (aggregate(post).count, aggregate(post).total) == (1, 4)
    assert Vote.objects.get().reader_key.startswith("a:")


def test_votes_from_different_readers_add_up(post):
    cast(post, 5)
    cast(post, 4)
    summary = cast(post, 2)
    assert summary.count == 3
    assert summary.average_display == "3.7"


def test_second_vote_by_same_reader_replaces_the_first(post):
    cast(post, 2, reader="a:same")
    summary = cast(post, 5, reader="a:same")
    assert (summary.count, summary.average, summary.your_score) == (1, 5.0, 5)
    assert Vote.objects.count() == 1
    assert (aggregate(post).count, aggregate(post).total) == (1, 5)


def test_revote_is_refused_when_the_setting_forbids_it(post, settings):
    settings.RATINGS_ALLOW_REVOTE = False
    cast(post, 2, reader="a:same")
    with pytest.raises(AlreadyVoted):
        cast(post, 5, reader="a:same")
    assert (aggregate(post).count, aggregate(post).total) == (1, 2)


def test_signed_in_user_is_one_reader_whatever_the_cookie(post):
    reader = UserFactory()
    cast(post, 1, user=reader, reader="a:cookie-one")
    cast(post, 3, user=reader, reader="a:cookie-two")
    vote = Vote.objects.get()
    assert (vote.reader_key, vote.user, vote.score) == (f"u:{reader.pk}", reader, 3)


def test_anonymous_readers_are_refused_when_only_signed_in_users_may_vote(post, settings):
    settings.RATINGS_ALLOW_ANONYMOUS = False
    with pytest.raises(SignInRequired):
        cast(post, 4)
    assert cast(post, 4, user=UserFactory()).count == 1


def test_an_author_cannot_rate_their_own_post(post):
    with pytest.raises(OwnObject):
        cast(post, 5, user=post.author)
    assert not Vote.objects.exists()


@pytest.mark.parametrize("score", [0, 6, -1, 3.5, "4", True, None])
def test_service_rejects_scores_outside_the_scale(post, score):
    with pytest.raises(InvalidScore):
        cast(post, score)
    assert not Vote.objects.exists()
    assert not RatingAggregate.objects.exists()


def test_max_score_setting_widens_the_scale(post, settings):
    settings.RATINGS_MAX_SCORE = 10
    assert cast(post, 10).average == 10.0
    with pytest.raises(InvalidScore):
        cast(post, 11)


def test_voting_closes_the_configured_number_of_days_after_publication(settings):
    settings.RATINGS_CLOSE_AFTER_DAYS = 30
    old = PostFactory(published_at=timezone.now() - datetime.timedelta(days=31))
    recent = PostFactory(published_at=timezone.now() - datetime.timedelta(days=29))
    with pytest.raises(VotingClosed, match="30 days"):
        cast(old, 4)
    assert cast(recent, 4).count == 1


def test_voting_stays_open_by_default_however_old_the_post():
    old = PostFactory(published_at=timezone.now() - datetime.timedelta(days=3000))
    assert cast(old, 4).count == 1


def test_rate_limit_counts_votes_per_ip_in_the_window(settings):
    settings.RATINGS_RATE_LIMIT = (3, 600)
    posts = PostFactory.create_batch(4)
    for p in posts[:3]:
        cast(p, 4, ip="198.51.100.7")
    with pytest.raises(RateLimited):
        cast(posts[3], 4, ip="198.51.100.7")
    assert cast(posts[3], 4, ip="198.51.100.8").count == 1


def test_rate_limit_window_passes(settings):
    settings.RATINGS_RATE_LIMIT = (1, 600)
    first, second = PostFactory.create_batch(2)
    cast(first, 4, ip="198.51.100.7")
    with pytest.raises(RateLimited, match="try again in 10 minutes"):
        cast(second, 4, ip="198.51.100.7")
    RateCounter.objects.update(ends_at=timezone.now())  # ten minutes later
    assert cast(second, 4, ip="198.51.100.7").count == 1


def test_rate_limit_counts_new_readers_on_the_post_being_voted_on_too(settings):
    settings.RATINGS_RATE_LIMIT = (3, 600)
    settings.RATINGS_RATE_LIMIT_PER_OBJECT = None
    post = PostFactory()
    for _ in range(3):
        cast(post, 1, ip="198.51.100.7")
    with pytest.raises(RateLimited, match="at most 3 in 10 minutes"):
        cast(post, 1, ip="198.51.100.7")
    assert aggregate(post).count == 3


def test_per_object_limit_counts_the_new_readers_of_one_object_from_one_address(settings):
    settings.RATINGS_RATE_LIMIT = (10, 600)
    settings.RATINGS_RATE_LIMIT_PER_OBJECT = (2, 3600)
    post, other = PostFactory.create_batch(2)
    cast(post, 5, ip="198.51.100.7")
    cast(post, 5, ip="198.51.100.7")
    with pytest.raises(RateLimited, match="rated this post from your network: at most 2 in 1 hour"):
        cast(post, 5, ip="198.51.100.7")
    assert cast(post, 5, ip="198.51.100.8").count == 3  # another address
    assert cast(other, 5, ip="198.51.100.7").count == 1  # another post
    # The refusal did not use up the address's allowance: 3 counted of 10.
    assert RateCounter.objects.get(key=f"address:{ip_hash('198.51.100.7')}").count == 3


def test_changing_ones_vote_counts_against_no_limit(settings):
    settings.RATINGS_RATE_LIMIT = (1, 600)
    settings.RATINGS_RATE_LIMIT_PER_OBJECT = (1, 600)
    post = PostFactory()
    for score in (1, 2, 3, 4, 5):
        cast(post, score, reader="a:changes-their-mind", ip="198.51.100.7")
    assert (aggregate(post).count, aggregate(post).total) == (1, 5)
    assert set(RateCounter.objects.values_list("count", flat=True)) == {1}


def test_counters_whose_window_is_over_are_pruned_and_the_others_kept(settings):
    settings.RATINGS_RATE_LIMIT = (5, 600)
    first, second = PostFactory.create_batch(2)
    cast(first, 4, ip="198.51.100.7")
    cast(second, 4, ip="198.51.100.8")
    RateCounter.objects.filter(key__contains=ip_hash("198.51.100.7")).update(ends_at=timezone.now())
    assert rate_counters_prune() == 2
    assert RateCounter.objects.filter(key__contains=ip_hash("198.51.100.8")).count() == 2
    assert cast(first, 4, ip="198.51.100.7").count == 2  # starts afresh


def test_default_rate_limit_lets_an_office_behind_one_nat_vote():
    posts = PostFactory.create_batch(3)
    for p in posts:
        for _ in range(15):
            cast(p, 4, ip="203.0.113.9")
    assert Vote.objects.count() == 45


def test_one_vote_per_ip_refuses_a_second_reader_from_the_same_address(post, settings):
    settings.RATINGS_ONE_VOTE_PER_IP = True
    cast(post, 4, reader="a:first", ip="203.0.113.9")
    with pytest.raises(AlreadyVoted):
        cast(post, 4, reader="a:second", ip="203.0.113.9")
    # The first reader may still change their own vote.
    assert cast(post, 2, reader="a:first", ip="203.0.113.9").average == 2.0


def test_post_override_locks_voting_but_keeps_figures(post):
    cast(post, 4)
    rule_for(post, access=RatingRule.Access.LOCKED)
    with pytest.raises(VotingClosed):
        cast(post, 4)
    assert aggregate(post).count == 1


def test_category_override_requires_sign_in_for_its_posts():
    category = CategoryFactory()
    post = PostFactory(categories=[category])
    rule_for(category, access=RatingRule.Access.SIGNED_IN)
    with pytest.raises(SignInRequired):
        cast(post, 4)
    assert cast(post, 4, user=UserFactory()).count == 1


def test_post_override_wins_over_its_category():
    category = CategoryFactory()
    post = PostFactory(categories=[category])
    rule_for(category, access=RatingRule.Access.LOCKED)
    rule_for(post, access=RatingRule.Access.OPEN)
    assert cast(post, 4).count == 1


def test_strictest_category_override_wins():
    open_one, hidden_one = CategoryFactory(), CategoryFactory()
    post = PostFactory(categories=[open_one, hidden_one])
    rule_for(open_one, access=RatingRule.Access.SIGNED_IN)
    rule_for(hidden_one, access=RatingRule.Access.HIDDEN)
    policy = rating_policy(post, user=AnonymousUser())
    assert policy.hidden
    with pytest.raises(VotingClosed):
        cast(post, 4)


def test_category_rating_set_gives_multi_criteria_with_an_overall_average():
    category = CategoryFactory()
    post = PostFactory(categories=[category])
    rule_for(category, rating_set=criteria_set())
    cast(post, analysis=5, sources=4, writing=3)
    summary = cast(post, analysis=3, sources=4, writing=5)
    assert summary.count == 2
    assert [c.average for c in summary.criteria] == [4.0, 4.0, 4.0]
    assert summary.average == 4.0
    assert RatingAggregate.objects.filter(object_id=post.pk).count() == 3


def test_multi_criteria_ballot_must_score_every_criterion():
    category = CategoryFactory()
    post = PostFactory(categories=[category])
    rule_for(category, rating_set=criteria_set())
    with pytest.raises(InvalidScore):
        cast(post, analysis=5, sources=4)
    with pytest.raises(InvalidScore):
        cast(post, analysis=5, sources=4, writing=3, overall=5)
    assert not Vote.objects.exists()


def test_thumbs_mode_counts_ups_and_downs(post):
    rule_for(post, rating_set=criteria_set("Useful?", ("Useful",), mode="thumbs"))
    cast(post, useful=1)
    cast(post, useful=1)
    summary = cast(post, useful=0)
    criterion = summary.criteria[0]
    assert (summary.count, criterion.ups, criterion.downs) == (3, 2, 1)
    assert summary.average_display == "67%"
    with pytest.raises(InvalidScore):
        cast(post, useful=2)


def test_draft_posts_cannot_be_rated():
    from ratings.errors import NotRatable
    from ratings.policy import target_resolve

    draft = PostFactory(status="draft", published_at=None)
    scheduled = PostFactory(published_at=timezone.now() + datetime.timedelta(days=1))
    for post in (draft, scheduled):
        with pytest.raises(NotRatable):
            target_resolve("blog.post", post.pk)
    with pytest.raises(NotRatable):
        target_resolve("auth.user", post.author.pk)
