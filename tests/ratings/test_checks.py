"""The system check reports contradictory or impossible ratings settings."""

from ratings.checks import check_ratings_settings


def ids(settings_obj=None):
    return sorted(e.id for e in check_ratings_settings())


def test_project_settings_pass():
    assert ids() == []


def test_bad_values_are_reported(settings):
    settings.RATINGS_CLIENT_IP = None
    settings.RATINGS_MAX_SCORE = 1
    settings.RATINGS_RATE_LIMIT = (60,)
    settings.RATINGS_RATE_LIMIT_PER_OBJECT = (True, 600)
    settings.RATINGS_CLOSE_AFTER_DAYS = 0
    settings.RATINGS_TRUSTED_PROXY_COUNT = -1
    settings.RATINGS_TOP_PRIOR_MEAN = "high"
    assert ids() == [
        "ratings.E001",
        "ratings.E002",
        "ratings.E003",
        "ratings.E004",
        "ratings.E005",
        "ratings.E007",
    ]


def test_one_vote_per_ip_with_signed_in_only_voting_is_flagged(settings):
    settings.RATINGS_ONE_VOTE_PER_IP = True
    settings.RATINGS_ALLOW_ANONYMOUS = False
    assert ids() == ["ratings.W001"]


def test_allow_list_must_name_real_models_and_fields(settings):
    settings.RATINGS_MODELS = {
        "blog.nothing": {},
        "blog.post": {"public": "nope", "owner_field": "writer", "parents": "author"},
    }
    assert ids() == ["ratings.E010", "ratings.E011", "ratings.E012", "ratings.E013"]


def test_client_address_rule_must_be_importable(settings):
    settings.RATINGS_CLIENT_IP = "nowhere.to.be.found"
    assert ids() == ["ratings.E008"]


def test_proxy_count_beside_a_project_rule_is_flagged_as_ignored(settings):
    settings.RATINGS_CLIENT_IP = "core.client.client_ip"
    settings.RATINGS_TRUSTED_PROXY_COUNT = 2
    assert ids() == ["ratings.W002"]
