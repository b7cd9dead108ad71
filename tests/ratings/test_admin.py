"""The vote log and statistics in the admin: Editors moderate, others cannot."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from ratings.models import RatingAggregate, RatingRule, RatingSet, Vote
from tests.factories import CategoryFactory, PostFactory, UserFactory
from tests.ratings.conftest import cast, rule_for

pytestmark = pytest.mark.django_db
LOG = reverse("admin:ratings_vote_changelist")


@pytest.fixture
def votes(post):
    signed_in = UserFactory(username="reader")
    cast(post, 5, ip="198.51.100.77")
    cast(post, 1, ip="198.51.100.77")
    cast(post, 4, user=signed_in, ip="198.51.100.78")
    return post


def test_editors_have_the_moderation_permissions(editor):
    for perm in ("view_vote", "delete_vote", "change_ratingset", "add_ratingrule"):
        assert editor.has_perm(f"ratings.{perm}")
    assert not editor.has_perm("ratings.change_vote")


def test_vote_log_lists_votes_without_raw_ips(client, editor, votes):
    client.force_login(editor)
    html = client.get(LOG).content.decode()
    assert html.count('name="_selected_action"') == 3
    assert "198.51.100.77" not in html
    ct = ContentType.objects.get_for_model(votes)
    filtered = client.get(LOG, {"target": f"{ct.pk}-{votes.pk}", "reader": "user"})
    assert filtered.content.decode().count('name="_selected_action"') == 1
    anonymous = client.get(LOG, {"reader": "anonymous"})
    assert anonymous.content.decode().count('name="_selected_action"') == 2


def test_bulk_delete_recomputes_the_aggregate(client, editor, votes):
    client.force_login(editor)
    low = Vote.objects.filter(score=1)
    response = client.post(
        LOG,
        {"action": "delete_and_recount", "_selected_action": [v.pk for v in low]},
    )
    assert response.status_code == 302
    aggregate = RatingAggregate.objects.get(object_id=votes.pk)
    assert (aggregate.count, aggregate.total) == (2, 9)


def test_statistics_page_shows_the_distribution(client, editor, votes):
    client.force_login(editor)
    aggregate = RatingAggregate.objects.get(object_id=votes.pk)
    url = reverse("admin:ratings_ratingaggregate_change", args=[aggregate.pk])
    html = client.get(url).content.decode()
    assert "distribution of scores" in html.lower()
    assert "<td>5</td><td>1</td><td>33.3%</td>" in html
    assert votes.title in html


def test_authors_cannot_see_the_vote_log_or_change_rules(client, author, votes):
    client.force_login(author)
    assert client.get(LOG).status_code == 403
    assert client.get(reverse("admin:ratings_ratingrule_add")).status_code == 403


def test_staff_with_view_permission_only_get_a_read_only_log(client, votes):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_vote"))
    client.force_login(viewer)
    html = client.get(LOG).content.decode()
    assert "delete_and_recount" not in html
    response = client.post(
        LOG,
        {"action": "delete_and_recount", "_selected_action": [Vote.objects.first().pk]},
    )
    assert Vote.objects.count() == 3
    assert response.status_code in (200, 302, 403)


def test_editor_assigns_a_rating_set_to_a_category(client, editor):
    category = CategoryFactory()
    rating_set = RatingSet.objects.create(name="Review")
    client.force_login(editor)
    ct = ContentType.objects.get_for_model(category)
    response = client.post(
        reverse("admin:ratings_ratingrule_add"),
        {"content_type": ct.pk, "object_id": category.pk, "access": 0, "rating_set": rating_set.pk},
    )
    assert response.status_code == 302
    assert RatingRule.objects.get().rating_set == rating_set
    missing = client.post(
        reverse("admin:ratings_ratingrule_add"),
        {"content_type": ct.pk, "object_id": 999999, "access": 3, "note": ""},
    )
    assert "There is no category with id 999999" in missing.content.decode()


def test_editor_defines_a_multi_criteria_set_in_the_admin(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:ratings_ratingset_add"),
        {
            "name": "Review",
            "mode": "stars",
            "criteria-TOTAL_FORMS": "3",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-name": "Analysis",
            "criteria-0-position": "0",
            "criteria-1-name": "Sources",
            "criteria-1-position": "1",
            "criteria-2-name": "Writing",
            "criteria-2-position": "2",
        },
    )
    assert response.status_code == 302
    assert [c.key for c in RatingSet.objects.get(name="Review").criteria.all()] == [
        "analysis",
        "sources",
        "writing",
    ]
    post = PostFactory()
    assert post  # the new set applies only where an override assigns it


def test_vote_log_and_statistics_name_the_post_by_its_title(client, editor, votes):
    client.force_login(editor)
    log = client.get(LOG).content.decode()
    assert log.count(f'<td class="field-target">{votes.title}</td>') == 3
    stats = client.get(reverse("admin:ratings_ratingaggregate_changelist")).content.decode()
    assert f'">{votes.title}</a></th>' in stats  # the first column links to the statistic


def test_overrides_list_names_the_post_or_category_they_apply_to(client, editor, post):
    category = CategoryFactory(name="Threat models")
    rule_for(category, access=RatingRule.Access.LOCKED)
    rule_for(post, access=RatingRule.Access.OPEN)
    client.force_login(editor)
    html = client.get(reverse("admin:ratings_ratingrule_changelist")).content.decode()
    assert '<td class="field-object_label">Threat models</td>' in html
    assert f'<td class="field-object_label">{post.title}</td>' in html


def test_a_deleted_post_shows_as_gone_in_the_vote_log(client, editor, votes):
    pk = votes.pk
    type(votes).objects.filter(pk=pk).delete()
    client.force_login(editor)
    html = client.get(LOG).content.decode()
    assert html.count(f'<td class="field-target">post #{pk} (gone)</td>') == 3


def test_vote_log_filter_offers_the_most_rated_posts_first_by_title(client, editor, votes):
    quiet = PostFactory(title="A quiet post")
    cast(quiet, 3)
    client.force_login(editor)
    response = client.get(LOG)
    choices = [
        c["display"] for c in response.context["cl"].filter_specs[0].choices(response.context["cl"])
    ]
    assert choices == ["All", votes.title, "A quiet post"]
