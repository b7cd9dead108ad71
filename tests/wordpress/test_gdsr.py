import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from blog.models import Post
from ratings.models import Criterion, RatingAggregate, RatingRule, RatingSet, Vote
from ratings.readers import ip_hash
from tests.wordpress.conftest import FIXTURES
from wordpress.gdsr import GDSRError, GDSRImport

pytestmark = pytest.mark.django_db

CSV = {
    "log": FIXTURES / "gdsr_votes_log.tsv",
    "articles": FIXTURES / "gdsr_data_article.csv",
    "multis": FIXTURES / "gdsr_multis.csv",
    "multis_data": FIXTURES / "gdsr_multis_data.tsv",
    "multis_values": FIXTURES / "gdsr_multis_values.tsv",
}
DUMP = FIXTURES / "gdsr_dump.sql"


@pytest.fixture
def ten_stars(settings):
    settings.RATINGS_MAX_SCORE = 10


@pytest.fixture
def blog(run_import):
    run_import()
    return {wp: Post.objects.get(wordpress_addresses__path=f"/?p={wp}") for wp in (10, 16, 17)}


def aggregate(post, criterion=None):
    ct = ContentType.objects.get_for_model(Post)
    criterion = criterion or Criterion.objects.of_set(None).get()
    a = RatingAggregate.objects.get(content_type=ct, object_id=post.pk, criterion=criterion)
    return a.count, a.total


def test_votes_become_ratings_with_the_plugins_counts_and_averages(blog, ten_stars):
    report = GDSRImport(**CSV).run()
    assert aggregate(blog[10]) == (5, 34)  # 2 users (12) + 3 visitors (22), as the plugin had
    assert aggregate(blog[16]) == (1, 9)
    assert report.checked == 5 and report.mismatches == []  # 2 posts, 3 criteria
    assert report.imported == {"Overall": 6, "Analysis quality": 5}


def test_readers_are_users_or_hashed_addresses_never_raw_addresses(blog, ten_stars):
    GDSRImport(**CSV).run()
    votes = Vote.objects.filter(object_id=blog[10].pk)
    ada = get_user_model().objects.get(username="ada")
    keys = set(votes.values_list("reader_key", flat=True))
    assert f"u:{ada.pk}" in keys  # WordPress user 2 is the imported author
    assert "a:wpuser-57" in keys  # a WordPress user who wrote nothing
    assert f"a:ip-{ip_hash('203.0.113.5')[:40]}" in keys
    assert votes.get(reader_key=f"u:{ada.pk}").user == ada
    assert votes.filter(ip_hash=ip_hash("203.0.113.6")).count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT reader_key, ip_hash FROM ratings_vote")
        stored = repr(cursor.fetchall())
    assert "203.0.113" not in stored and "198.51.100" not in stored


def test_vote_dates_are_kept(blog, ten_stars):
    GDSRImport(**CSV, time_zone="UTC").run()
    first = Vote.objects.get(object_id=blog[16].pk)
    assert first.created_at.isoformat() == "2023-05-11T08:00:00+00:00"


def test_votes_on_posts_not_imported_and_other_kinds_are_reported(blog, ten_stars):
    report = GDSRImport(**CSV).run()
    assert report.unknown_posts[99] == 1
    text = "\n".join(report.lines())
    assert "votes on 1 WordPress post(s) not imported" in text and "#99 (1)" in text
    assert report.skipped["comment votes (only posts' star ratings are imported)"] == 1
    assert report.skipped["artthumb votes (only posts' star ratings are imported)"] == 1


def test_multi_criteria_sets_become_rating_sets(blog, ten_stars):
    report = GDSRImport(**CSV).run()
    analysis = RatingSet.objects.get(name="Analysis quality")
    names = list(analysis.criteria.values_list("name", flat=True))
    assert names == ["Analysis", "Sources", "Clarity"]
    by_name = {c.name: c for c in analysis.criteria.all()}
    assert aggregate(blog[17], by_name["Analysis"]) == (2, 12)
    assert aggregate(blog[17], by_name["Sources"]) == (1, 6)  # a 0 is "not rated"
    assert aggregate(blog[17], by_name["Clarity"]) == (2, 16)
    # Post 17 had only multi-criteria votes: it shows that set.
    rule = RatingRule.objects.get(object_id=blog[17].pk)
    assert rule.rating_set == analysis
    assert report.mismatches == []


def test_running_again_changes_nothing(blog, ten_stars):
    GDSRImport(**CSV).run()
    before = sorted(Vote.objects.values_list("object_id", "criterion_id", "reader_key", "score"))
    totals = sorted(RatingAggregate.objects.values_list("object_id", "count", "total"))
    report = GDSRImport(**CSV).run()
    assert sum(report.imported.values()) == 0 and report.unchanged == 11
    assert (
        sorted(Vote.objects.values_list("object_id", "criterion_id", "reader_key", "score"))
        == before
    )
    assert sorted(RatingAggregate.objects.values_list("object_id", "count", "total")) == totals


def test_dry_run_changes_nothing(blog, ten_stars):
    report = GDSRImport(**CSV, dry_run=True).run()
    assert sum(report.imported.values()) == 11
    assert not Vote.objects.exists()
    assert not RatingSet.objects.filter(name="Analysis quality").exists()


def test_a_mysqldump_gives_the_same_votes_and_runs_nothing(blog, ten_stars):
    report = GDSRImport(dump=DUMP).run()
    assert aggregate(blog[10]) == (5, 34)
    assert report.mismatches == [] and report.checked == 5
    assert Post.objects.count() == 9  # "DROP TABLE blog_post" in a user agent is only text
    ua_free = Vote.objects.filter(object_id=blog[16].pk).get()
    assert ua_free.score == 9


def test_votes_above_the_sites_scale_are_refused_unless_rescaled(blog):
    with pytest.raises(GDSRError, match="RATINGS_MAX_SCORE = 10.*--rescale.*Nothing was imported"):
        GDSRImport(**CSV).run()
    assert not Vote.objects.exists()
    report = GDSRImport(**CSV, rescale=True).run()
    assert aggregate(blog[10]) == (5, 4 + 3 + 5 + 2 + 3)  # 8,6,10,4,6 out of 10 → of 5
    assert report.mismatches == []  # counts are compared when rescaled


def test_a_mismatch_with_the_plugins_aggregates_is_reported(blog, ten_stars, tmp_path):
    articles = tmp_path / "articles.csv"
    articles.write_text(CSV["articles"].read_text().replace('"3","22.0"', '"4","29.0"'))
    report = GDSRImport(**{**CSV, "articles": articles}).run()
    assert len(report.mismatches) == 1
    post_id, wp_id, plugin, site = report.mismatches[0]
    assert wp_id == 10 and plugin == "6 votes, average 6.83" and site == "5 votes, average 6.80"


def test_the_command_reports_and_refuses_clearly(blog, ten_stars, capsys):
    call_command("import_gdsr", "--log", str(CSV["log"]), "--articles", str(CSV["articles"]))
    out = capsys.readouterr().out
    assert "votes imported: 6" in out and "2 match" in out
    with pytest.raises(CommandError, match="No file at"):
        call_command("import_gdsr", "--log", "/nonexistent/log.csv")
    with pytest.raises(CommandError, match="Give the votes log"):
        call_command("import_gdsr")


def test_a_malformed_dump_is_refused_and_changes_nothing(blog, ten_stars, tmp_path):
    bad = tmp_path / "bad.sql"
    bad.write_text(
        "INSERT INTO `wp_gdsr_votes_log` VALUES (1,10,'article',0,0,5,'',now(),'x','y',0);\n"
    )
    with pytest.raises(GDSRError, match="Unexpected text"):
        GDSRImport(dump=bad).run()
    assert not Vote.objects.exists()


def test_imported_rating_shows_on_the_post_page(blog, ten_stars, client):
    GDSRImport(**CSV).run()
    page = client.get(blog[10].get_absolute_url()).content.decode()
    assert "6.8" in page


@pytest.mark.parametrize(
    ("option", "content", "message"),
    [
        ("--log", "a,b,c\n1,2\n", r"the column\(s\) record_id, id, vote_type.* are missing"),
        ("--log", None, "it is an XML or HTML file"),  # the WordPress export
        ("--log", "1\t10\tarticle\t0\n", "row 1 has 4 value"),
        (
            "--log",
            "1\t10\tarticle\t0\t2\tgood\t\t2019-03-06 10:00:00\t198.51.100.7\tx\t0\n",
            "row 1: vote should be a number, not 'good'",
        ),
        ("--articles", "votes_log", r"the column\(s\) post_id, user_voters.* are missing"),
        (
            "--articles",
            "INSERT INTO `wp_gdsr_data_article` (`post_id`, `views`) VALUES (10, 3);\n",
            r"the column\(s\) user_voters, user_votes.* are missing",
        ),
        ("--articles", "-- MySQL dump\nINSERT INTO `wp_posts` VALUES (1,'x');\n", "no INSERT"),
    ],
)
def test_a_file_that_is_not_the_table_is_refused_by_name_and_changes_nothing(
    blog, ten_stars, tmp_path, option, content, message
):
    if content is None:
        wrong = FIXTURES / "policy-ledger-wp6.xml"
    elif content == "votes_log":
        wrong = CSV["log"]
    else:
        wrong = tmp_path / "wrong.csv"
        wrong.write_text(content)
    args = ["--log", str(CSV["log"]), option, str(wrong)]
    if option == "--log":
        args = args[2:]
    with pytest.raises(CommandError, match=message) as refused:
        call_command("import_gdsr", *args)
    assert str(wrong) in str(refused.value)
    assert f"plugin's gdsr_{'votes_log' if option == '--log' else 'data_article'} table" in str(
        refused.value
    )
    assert not Vote.objects.exists() and not RatingAggregate.objects.filter(count__gt=0).exists()
