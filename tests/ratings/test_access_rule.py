"""Access after overrides follows one precedence (ratings.overrides), written in Python for one
object (the post page, the vote) and in SQL for lists: both give the same answer for every
combination of an object's own rule and its categories' rules."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from blog.models import Post
from ratings.models import RatingRule
from ratings.overrides import access_resolve
from ratings.policy import rating_policy
from ratings.selectors import with_ratings
from tests.factories import CategoryFactory, PostFactory, UserFactory
from tests.ratings.conftest import rule_for

pytestmark = pytest.mark.django_db

Access = RatingRule.Access
LEVELS = list(Access)  # INHERIT, OPEN, SIGNED_IN, LOCKED, HIDDEN
NO_RULE = None  # no rule at all (for a category: the post is in a category without a rule)
OWN_CHOICES = [NO_RULE, *LEVELS]
PARENT_CHOICES = [NO_RULE, *LEVELS]
# No category, one category, or two categories, each with no rule or a rule of any level.
PARENT_COMBINATIONS = [
    (),
    *((p,) for p in PARENT_CHOICES),
    *itertools.product(PARENT_CHOICES, repeat=2),
]


def documented(own, parents) -> int:
    """The precedence as the README tells editors: the post's own rule, unless "default rules";
    else the strictest of its categories' rules; else open."""
    if own not in (NO_RULE, Access.INHERIT):
        return own
    deciding = [p for p in parents if p not in (NO_RULE, Access.INHERIT)]
    return max(deciding, default=Access.OPEN)


def label(own, parents) -> str:
    name = {None: "none", **{level: level.name for level in LEVELS}}
    return f"own={name[own]} categories=[{', '.join(name[p] for p in parents)}]"


def test_python_and_sql_agree_on_every_combination_of_own_and_category_rules():
    # Two categories per choice, so a post can sit in two categories with the same level.
    categories = {choice: (CategoryFactory(), CategoryFactory()) for choice in PARENT_CHOICES}
    for choice, pair in categories.items():
        if choice is not NO_RULE:
            for category in pair:
                rule_for(category, access=choice)
    author = UserFactory()
    cases = {}
    for own, parents in itertools.product(OWN_CHOICES, PARENT_COMBINATIONS):
        post = PostFactory(
            author=author,
            categories=[categories[choice][i] for i, choice in enumerate(parents)],
        )
        if own is not NO_RULE:
            rule_for(post, access=own)
        cases[post.pk] = (own, parents)
    assert len(cases) == 6 * (1 + 6 + 36)

    in_sql = dict(
        with_ratings(Post.objects.filter(pk__in=cases)).values_list("pk", "rating_access")
    )
    in_python = {
        post.pk: rating_policy(post, user=AnonymousUser()).access
        for post in Post.objects.filter(pk__in=cases)
    }

    disagreements = [
        f"{label(*cases[pk])}: Python {in_python[pk]}, SQL {in_sql[pk]}"
        for pk in cases
        if in_python[pk] != in_sql[pk]
    ]
    assert disagreements == []
    wrong = [
        f"{label(*cases[pk])}: {in_python[pk]}, expected {documented(*cases[pk])}"
        for pk in cases
        if in_python[pk] != documented(*cases[pk])
    ]
    assert wrong == []
    # Every effective level occurs, so the comparison is not vacuous.
    assert set(in_python.values()) == set(LEVELS) - {Access.INHERIT}


@pytest.mark.parametrize("own", OWN_CHOICES)
def test_python_and_sql_agree_for_a_model_without_parents(settings, own):
    settings.RATINGS_MODELS = {"blog.post": {"public": "published"}}
    post = PostFactory(categories=[CategoryFactory()])
    rule_for(post.categories.get(), access=Access.HIDDEN)  # ignored: no parents configured
    if own is not NO_RULE:
        rule_for(post, access=own)
    in_sql = with_ratings(Post.objects.filter(pk=post.pk)).get().rating_access
    in_python = rating_policy(post, user=AnonymousUser()).access
    assert in_python == in_sql == documented(own, ())


@pytest.mark.parametrize(
    ("own", "parents", "access"),
    [
        (None, [], Access.OPEN),
        (Access.INHERIT, [Access.LOCKED], Access.LOCKED),
        (Access.OPEN, [Access.HIDDEN], Access.OPEN),
        (None, [Access.SIGNED_IN, Access.INHERIT], Access.SIGNED_IN),
        (None, [Access.SIGNED_IN, Access.HIDDEN], Access.HIDDEN),
        (None, [Access.INHERIT, Access.INHERIT], Access.OPEN),
    ],
)
def test_own_rule_wins_else_the_strictest_category_rule_else_open(own, parents, access):
    assert access_resolve(own, parents) == access
