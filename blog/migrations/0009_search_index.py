"""Full-text search index of posts (``blog.search``), filled for the posts already there.

PostgreSQL: a table of its own, ``blog_post_search``: post id, publication time (null unless
published), plain body text for snippets, a small weighted tsvector to rank by (title, excerpt,
tags, categories, author, the body's first 80 words) and the full one to match with, under a GIN
index. A separate table rather than a column on ``blog_post``: adding
it rewrites nothing and locks no post, list pages never read the vectors, and a rebuild never
touches posts (nor their ``updated_at``). SQLite: an FTS5 table of the same name (porter stemmer),
one row per post under the post's id.

The fill below carries its own copy of the document rules (title; excerpt, tags, categories and
author name; body text) as they stood when it was written. Later changes go through
``manage.py rebuild_search_index``.
"""

import html
import re

from django.conf import settings
from django.db import migrations

TABLE = "blog_post_search"
TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")
PG_LANGUAGES = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "nl": "dutch", "no": "norwegian",
    "nb": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}


def language():
    configured = getattr(settings, "BLOG_SEARCH_LANGUAGE", "")
    if configured:
        return configured
    code = settings.LANGUAGE_CODE.lower().split("-")[0].split("_")[0]
    return PG_LANGUAGES.get(code, "simple")


def plain(value):
    value = html.unescape(TAG.sub(" ", value or ""))
    return SPACE.sub(" ", value.replace("\x01", " ").replace("\x02", " ")).strip()


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TABLE {TABLE} (post_id bigint PRIMARY KEY, published_at timestamptz NULL, "
            "body_text text NOT NULL DEFAULT '', head tsvector NOT NULL, "
            "document tsvector NOT NULL)"
        )
        # Vectors stay in the table's own pages (compressed) rather than in TOAST: the planner
        # then sees what scanning every vector costs and takes the GIN index.
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN head SET STORAGE MAIN, "
            "ALTER COLUMN document SET STORAGE MAIN"
        )
        schema_editor.execute(f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)")
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, excerpt, terms, body, author, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    else:
        return
    fill(apps, schema_editor)


def fill(apps, schema_editor):
    connection = schema_editor.connection
    Post = apps.get_model("blog", "Post")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    names = {
        # Historical models have no methods: the default user model's fields, read with care.
        user.pk: (
            f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}".strip()
            or getattr(user, "username", "")
        )
        for user in User.objects.filter(pk__in=Post.objects.values("author_id"))
    }
    terms = {}
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if "authors_authorprofile" in tables:
            cursor.execute("SELECT user_id, display_name FROM authors_authorprofile")
            names.update({user_id: name for user_id, name in cursor.fetchall() if name})
        cursor.execute(
            "SELECT ti.object_id, t.name FROM taggit_taggeditem ti "
            "JOIN taggit_tag t ON t.id = ti.tag_id "
            "JOIN django_content_type ct ON ct.id = ti.content_type_id "
            "WHERE ct.app_label = 'blog' AND ct.model = 'post' ORDER BY t.name"
        )
        for post_id, name in cursor.fetchall():
            terms.setdefault(post_id, []).append(name)
    Through = Post.categories.through
    for post_id, name in Through.objects.values_list("post_id", "category__name").order_by(
        "category__name"
    ):
        terms.setdefault(post_id, []).append(name)

    posts = Post.objects.order_by("pk").values_list(
        "pk", "title", "excerpt", "body_html", "author_id", "status", "published_at"
    )
    batch = []
    for row in posts.iterator(chunk_size=500):
        batch.append(row)
        if len(batch) == 200:
            write(connection, batch, names, terms)
            batch = []
    write(connection, batch, names, terms)


def write(connection, batch, names, terms):
    if not batch:
        return
    docs = [
        (pk, plain(title), plain(excerpt), " ; ".join(terms.get(pk, [])), plain(body_html)[:200_000],
         plain(names.get(author_id, "")), published_at if status == "published" else None)
        for pk, title, excerpt, body_html, author_id, status, published_at in batch
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            rows = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(docs))
            cursor.execute(
                f"INSERT INTO {TABLE} (rowid, title, excerpt, terms, body, author) VALUES {rows}",
                [value for doc in docs for value in doc[:6]],
            )
            return
        lang = language()
        vector = (
            "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
            "setweight(to_tsvector(%s::regconfig, %s), 'B') || "
            "setweight(to_tsvector(%s::regconfig, %s), 'C')"
        )
        rows = ", ".join([f"(%s, %s, %s, {vector}, {vector})"] * len(docs))
        params = []
        for pk, title, excerpt, tags, body, author, published_at in docs:
            secondary = "\n".join([excerpt, tags, author])
            lead = " ".join(body.split(" ", 80)[:80])
            params += [pk, published_at, body, lang, title, lang, secondary, lang, lead]
            params += [lang, title, lang, secondary, lang, body]
        cursor.execute(
            f"INSERT INTO {TABLE} (post_id, published_at, body_text, head, document) "
            f"VALUES {rows}",
            params,
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in {"postgresql", "sqlite"}:
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("blog", "0008_related_posts_move_to_their_app")]

    operations = [migrations.RunPython(create, drop)]
