"""Search at scale on PostgreSQL: a narrow search table, bounded ranking and counting.

``blog_post_search`` keeps its columns, but the full vector (``document``) is now stored out of
the table's own pages (``STORAGE EXTERNAL``), like the body text already was: a row keeps only
the post id, publication time and the small head vector that ranking reads, about ten rows a
page instead of one, so reading every match of a common word touches a tenth of the pages. The
GIN index on ``document`` answers the match itself without reading the vector. A B-tree on the
publication time serves the "recent period" of bounded ranking.

``blog_search_page()`` runs a search page in one call, planned with the values of each search
(custom plans) and without sequential scans: a sequential scan would have to read every
out-of-line vector, which the planner does not count. Its rules (``blog.search`` documents them):
the count stops at ``count_cap`` + 1; when more than ``rank_cap`` posts match, only the matches
of the most recent period (30, 120, 480 or 1,920 days) that holds at least ``rank_cap`` of them are ranked
by relevance, older matches follow newest first.

The existing rows are rewritten (CLUSTER) to take the new layout. SQLite: nothing to do.
"""

from django.db import migrations

TABLE = "blog_post_search"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION blog_search_page(
    cfg regconfig, words text, at timestamptz, page_offset integer, page_limit integer,
    count_cap integer, rank_cap integer, boost float8, boost_days float8, headline text
) RETURNS TABLE (post_id bigint, snippet text, total bigint)  -- (null, null, total) when no posts
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    q tsquery := websearch_to_tsquery(cfg, words);
    -- The periods are probed with phrases loosened to their words: the index answers that
    -- alone, where a phrase would read every candidate's vector to check word positions.
    probe tsquery := regexp_replace(q::text, '<(-|[0-9]+)>', '&', 'g')::tsquery;
    matches bigint;
    in_period bigint;
    span integer := 30;
    cutoff timestamptz := '-infinity';
BEGIN
    SELECT count(*) INTO matches FROM (
        SELECT 1 FROM {TABLE} s WHERE s.published_at <= at AND s.document @@ q LIMIT count_cap + 1
    ) c;
    IF matches > rank_cap THEN
        WHILE span <= 1920 LOOP  -- 30, 120, 480, 1920 days
            SELECT count(*) INTO in_period FROM (
                SELECT 1 FROM {TABLE} s WHERE s.published_at <= at
                AND s.published_at > at - make_interval(days => span) AND s.document @@ probe
                LIMIT rank_cap
            ) c;
            IF in_period >= rank_cap THEN
                cutoff := at - make_interval(days => span);
                EXIT;
            END IF;
            span := span * 4;
        END LOOP;
    END IF;
    IF page_limit <= 0 OR matches = 0 THEN
        RETURN QUERY SELECT NULL::bigint, NULL::text, matches;
        RETURN;
    END IF;
    RETURN QUERY
    SELECT p.post_id, ts_headline(cfg, s.body_text, q, headline), matches
    FROM (
        SELECT * FROM (
            (SELECT r.post_id, r.published_at, r.score, 0 AS tier FROM (
                SELECT s.post_id, s.published_at,
                    ts_rank_cd(s.head, q, 1) * (1.0 + boost * boost_days / (boost_days
                        + GREATEST(0.0, EXTRACT(EPOCH FROM (at - s.published_at))::float8
                        / 86400.0))) AS score
                FROM {TABLE} s
                WHERE s.published_at <= at AND s.published_at > cutoff AND s.document @@ q
            ) r ORDER BY r.score DESC, r.published_at DESC, r.post_id DESC
            LIMIT page_offset + page_limit)
            UNION ALL
            (SELECT s.post_id, s.published_at, 0.0::float8, 1 FROM {TABLE} s
             WHERE s.published_at <= cutoff AND s.document @@ q
             ORDER BY s.published_at DESC, s.post_id DESC LIMIT page_offset + page_limit)
        ) ordered LIMIT page_limit OFFSET page_offset
    ) p
    JOIN {TABLE} s ON s.post_id = p.post_id
    ORDER BY p.tier, p.score DESC, p.published_at DESC, p.post_id DESC;
    IF NOT FOUND THEN
        RETURN QUERY SELECT NULL::bigint, NULL::text, matches;  -- past the last page: the count
    END IF;
END
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN document SET STORAGE EXTERNAL")
    schema_editor.execute(f"CLUSTER {TABLE} USING {TABLE}_pkey")
    schema_editor.execute(f"CREATE INDEX {TABLE}_published ON {TABLE} (published_at)")
    schema_editor.execute(FUNCTION)
    schema_editor.execute(f"ANALYZE {TABLE}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS blog_search_page(regconfig, text, timestamptz, integer, "
        "integer, integer, integer, float8, float8, text)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {TABLE}_published")
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN document SET STORAGE MAIN")
    schema_editor.execute(f"CLUSTER {TABLE} USING {TABLE}_pkey")


class Migration(migrations.Migration):
    dependencies = [("blog", "0011_post_version_and_autosave")]

    operations = [migrations.RunPython(forwards, backwards)]
