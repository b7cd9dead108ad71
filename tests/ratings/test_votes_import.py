"""votes_import records past votes in bulk: all or nothing, aggregates exact, scores checked."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from blog.models import Post
from ratings import services
from ratings.errors import AlreadyVoted, InvalidBallot, InvalidScore, NotRatable
from ratings.models import RatingAggregate, RatingRule, Vote
from ratings.services import Ballot, aggregates_recount, votes_import
from tests.factories import CategoryFactory, PostFactory, UserFactory
from tests.ratings.conftest import cast, criteria_set, rule_for

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.now() - datetime.timedelta(days=365)


def stored(post) -> dict[str, tuple[int, int]]:
    """The post's stored aggregates: criterion key -> (count, total)."""
    return {
        a.criterion.key: (a.count, a.total)
        for a in RatingAggregate.objects.filter(
            content_type=ContentType.objects.get_for_model(post), object_id=post.pk
        ).select_related("criterion")
    }


def nothing_written(before_votes: int = 0):
    assert Vote.objects.count() == before_votes
    assert aggregates_recount() == []


def test_imported_votes_and_their_aggregates_agree_exactly():
    first, second = PostFactory.create_batch(2)
    reader = UserFactory()
    written = votes_import(
        model=Post,
        ballots=[
            Ballot(object_id=first.pk, reader_key="a:gdsr-1", score=5, ip_hash="ab" * 32),
            Ballot(object_id=first.pk, reader_key=f"u:{reader.pk}", score=2),
            Ballot(object_id=first.pk, reader_key="u:999999", score=4),
            Ballot(object_id=second.pk, reader_key="a:gdsr-1", score=3, created_at=LAST_YEAR),
        ],
    )
    assert written == 4
    assert stored(first) == {"overall": (3, 11)}
    assert stored(second) == {"overall": (1, 3)}
    assert aggregates_recount() == []  # ratings_recount would find no drift
    by_reader = {(v.object_id, v.reader_key): v for v in Vote.objects.all()}
    assert by_reader[first.pk, f"u:{reader.pk}"].user == reader
    assert by_reader[first.pk, "u:999999"].user is None  # a deleted user stays one reader
    assert by_reader[first.pk, "a:gdsr-1"].ip_hash == "ab" * 32
    old = by_reader[second.pk, "a:gdsr-1"]
    assert old.created_at == old.updated_at == LAST_YEAR


def test_imported_votes_add_to_the_figures_readers_see(client, post):
    cast(post, 5)
    votes_import(
        model=Post,
        ballots=[Ballot(object_id=post.pk, reader_key=f"a:old-{i}", score=3) for i in range(3)],
    )
    assert stored(post) == {"overall": (4, 14)}
    assert aggregates_recount() == []
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Rating: <strong>3.5</strong>/5 (4 votes cast)" in page


def test_a_ballot_repeating_an_earlier_one_refuses_the_whole_import(post):
    with pytest.raises(AlreadyVoted, match="Ballot 3 repeats ballot 1"):
        votes_import(
            model=Post,
            ballots=[
                Ballot(object_id=post.pk, reader_key="a:same", score=4),
                Ballot(object_id=post.pk, reader_key="a:other", score=4),
                Ballot(object_id=post.pk, reader_key="a:same", score=2),
            ],
        )
    nothing_written()


def test_a_ballot_for_a_reader_who_already_voted_refuses_the_whole_import(post, monkeypatch):
    # Small batches: the clash comes after earlier batches were inserted, and they are undone.
    monkeypatch.setattr(services, "IMPORT_BATCH_SIZE", 2)
    cast(post, 5, reader="a:live")
    others = PostFactory.create_batch(2)
    ballots = [
        Ballot(object_id=p.pk, reader_key=f"a:r{i}", score=1) for i in range(3) for p in others
    ]
    ballots.append(Ballot(object_id=post.pk, reader_key="a:live", score=1))
    with pytest.raises(AlreadyVoted, match="Ballot 7: reader a:live has already rated post"):
        votes_import(model=Post, ballots=ballots)
    nothing_written(before_votes=1)
    assert stored(post) == {"overall": (1, 5)}
    assert stored(others[0]) == {}


@pytest.mark.parametrize("score", [0, 6, -1, 3.5, "4", True, None, 99999999999999999999])
def test_star_scores_outside_1_to_max_are_refused_and_nothing_is_written(post, score):
    ballots = [
        Ballot(object_id=post.pk, reader_key="a:fine", score=4),
        Ballot(object_id=post.pk, reader_key="a:bad", score=score),
    ]
    with pytest.raises(InvalidScore, match="Ballot 2 .*from 1 to 5"):
        votes_import(model=Post, ballots=ballots)
    nothing_written()


def test_the_scale_follows_the_max_score_setting(post, settings):
    settings.RATINGS_MAX_SCORE = 10
    votes_import(model=Post, ballots=[Ballot(object_id=post.pk, reader_key="a:x", score=10)])
    with pytest.raises(InvalidScore, match="from 1 to 10"):
        votes_import(model=Post, ballots=[Ballot(object_id=post.pk, reader_key="a:y", score=11)])
    assert stored(post) == {"overall": (1, 10)}


def test_a_thumbs_set_takes_0_or_1(post):
    thumbs = criteria_set("Useful?", ("Useful",), mode="thumbs")
    ups_and_downs = [
        Ballot(object_id=post.pk, reader_key=f"a:{i}", score=score)
        for i, score in enumerate([1, 1, 0, 1])
    ]
    assert votes_import(model=Post, ballots=ups_and_downs, rating_set=thumbs) == 4
    assert stored(post) == {"useful": (4, 3)}
    with pytest.raises(InvalidScore, match="from 0 to 1"):
        votes_import(
            model=Post,
            ballots=[Ballot(object_id=post.pk, reader_key="a:z", score=2)],
            rating_set=thumbs,
        )
    with pytest.raises(InvalidScore, match="from 1 to 5"):  # 0 is a thumbs down, not a star
        votes_import(model=Post, ballots=[Ballot(object_id=post.pk, reader_key="a:z", score=0)])
    assert stored(post) == {"useful": (4, 3)}


def test_a_multi_criteria_set_needs_each_ballot_to_name_its_criterion(post):
    review = criteria_set()
    with pytest.raises(InvalidBallot, match="name one criterion: analysis, sources, writing"):
        votes_import(
            model=Post,
            ballots=[Ballot(object_id=post.pk, reader_key="a:x", score=4)],
            rating_set=review,
        )
    with pytest.raises(InvalidBallot, match="no criterion 'style'"):
        votes_import(
            model=Post,
            ballots=[Ballot(object_id=post.pk, reader_key="a:x", score=4, criterion="style")],
            rating_set=review,
        )
    votes_import(
        model=Post,
        ballots=[
            Ballot(object_id=post.pk, reader_key="a:x", score=4, criterion="analysis"),
            Ballot(object_id=post.pk, reader_key="a:x", score=2, criterion="sources"),
            Ballot(object_id=post.pk, reader_key="a:y", score=5, criterion="analysis"),
        ],
        rating_set=review,
    )
    assert stored(post) == {"analysis": (2, 9), "sources": (1, 2)}


def test_only_allow_listed_models_take_votes(post, settings):
    with pytest.raises(NotRatable, match="auth.User is not in RATINGS_MODELS"):
        votes_import(
            model=get_user_model(),
            ballots=[Ballot(object_id=post.author.pk, reader_key="a:x", score=4)],
        )
    settings.RATINGS_MODELS = {}
    with pytest.raises(NotRatable):
        votes_import(model=Post, ballots=[Ballot(object_id=post.pk, reader_key="a:x", score=4)])
    nothing_written()


def test_a_ballot_for_a_missing_object_refuses_the_whole_import(post):
    with pytest.raises(NotRatable, match="No post with these ids: #999999"):
        votes_import(
            model=Post,
            ballots=[
                Ballot(object_id=post.pk, reader_key="a:x", score=4),
                Ballot(object_id=999999, reader_key="a:x", score=4),
            ],
        )
    nothing_written()


@pytest.mark.parametrize(
    "changes",
    [
        {"reader_key": "x:1"},
        {"reader_key": "u:abc"},
        {"reader_key": "u:0"},
        {"reader_key": "a:"},
        {"reader_key": "a:" + "x" * 63},
        {"reader_key": None},
        {"object_id": 0},
        {"object_id": "12"},
        {"object_id": 2**63},
        {"ip_hash": "x" * 65},
        {"created_at": datetime.datetime(2020, 1, 1)},  # naive
        {"created_at": timezone.now() + datetime.timedelta(days=1)},
        {"created_at": "2020-01-01"},
    ],
)
def test_malformed_ballots_are_refused_and_nothing_is_written(post, changes):
    fields = {"object_id": post.pk, "reader_key": "a:x", "score": 4, **changes}
    with pytest.raises(InvalidBallot, match="^Ballot 2: "):
        votes_import(
            model=Post,
            ballots=[Ballot(object_id=post.pk, reader_key="a:fine", score=4), Ballot(**fields)],
        )
    nothing_written()


def test_rules_about_live_readers_do_not_apply_to_imported_history(settings):
    settings.RATINGS_CLOSE_AFTER_DAYS = 30
    settings.RATINGS_RATE_LIMIT = (1, 600)
    settings.RATINGS_ONE_VOTE_PER_IP = True
    settings.RATINGS_ALLOW_ANONYMOUS = False
    category = CategoryFactory()
    old = PostFactory(published_at=timezone.now() - datetime.timedelta(days=400))
    locked = PostFactory(categories=[category])
    rule_for(category, access=RatingRule.Access.LOCKED)
    hidden = PostFactory()
    rule_for(hidden, access=RatingRule.Access.HIDDEN)
    draft = PostFactory(status=Post.Status.DRAFT, published_at=None)
    ballots = [
        Ballot(object_id=p.pk, reader_key=f"a:{i}", score=4, ip_hash="same-network")
        for p in (old, locked, hidden, draft)
        for i in range(3)
    ]
    ballots.append(Ballot(object_id=old.pk, reader_key=f"u:{old.author.pk}", score=5))
    assert votes_import(model=Post, ballots=ballots) == 13
    assert stored(old) == {"overall": (4, 17)}
    assert aggregates_recount() == []


def test_an_empty_import_writes_nothing():
    assert votes_import(model=Post, ballots=[]) == 0
    nothing_written()


def test_import_cost_does_not_grow_with_the_number_of_ballots(django_assert_num_queries):
    posts = PostFactory.create_batch(10)
    few = [Ballot(object_id=p.pk, reader_key="a:1", score=4) for p in posts]
    many = [
        Ballot(object_id=p.pk, reader_key=f"a:{i}", score=3) for p in posts for i in range(2, 11)
    ]
    ContentType.objects.get_for_model(Post)  # warm the content-type cache, as in any process
    # The default set's criteria (1), the posts exist (1), the transaction (savepoint and release
    # inside the test's own: 2), aggregates created where missing (1) and locked (1), the votes
    # in their own savepoint (3: one INSERT for up to 111 rows on SQLite, 1,000 on PostgreSQL),
    # the aggregates updated (1). No query per ballot.
    for ballots in (few, many):
        with django_assert_num_queries(10):
            votes_import(model=Post, ballots=ballots)
    assert aggregates_recount() == []
