"""Quality of the related-posts engine: precision@5 and nDCG@5 on four labelled corpora of real
text, each with its authors' tags, with tags on half the posts, and with none.

The corpora (``bench/related_corpora.py``) come from what is installed on this machine; a
suggestion is right when it shares the post's label, and tags and categories are what the
corpus's own authors or maintainers assigned, never derived from the label:

* tuning (the defaults were chosen on these): ``stdlib`` (docstrings of 12 standard-library
  packages, label = package) and ``debian`` (Debian package synopses, label = archive section,
  tags = debtags);
* held-out (never used to choose anything; they say how the defaults carry over): ``django``
  (docstrings of Django's subpackages) and ``manpages`` (English manual pages, label = the
  package that ships them, tags = the pages named in SEE ALSO, category = manual section).

Each corpus is scored in three variants: ``tagged`` (as authored), ``half-tagged`` (tags and
category dropped on a random half of the posts) and ``untagged``. The same run scores this engine
(``rebuild_related`` into a throwaway SQLite database per corpus and variant), plain TF-IDF
cosine, BM25, tag overlap alone, and the semantic hybrid when its extra is installed
(``pip install -e ".[semantic]"``); it counts the posts the engine gives fewer than 5
suggestions.

    python bench/eval_related.py [--per-label 120] [--seed 4] [--corpus NAME …]
                                 [--variant tagged|half-tagged|untagged …] [--no-semantic]

Runs against throwaway SQLite databases in /tmp, never the site's database.
"""

import argparse
import math
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from related_corpora import CORPORA, VARIANTS, harvest, stdlib_sources, variant  # noqa: E402

__all__ = ["harvest", "stdlib_sources"]  # bench_related.py builds its posts from these

K = 5
WORD = re.compile(r"\w+")


def relevant_counts(corpus) -> list[int]:
    """How many other posts share each post's label."""
    sizes = Counter(d["label"] for d in corpus)
    return [sizes[d["label"]] - 1 for d in corpus]


def scores(corpus, suggestions: dict[int, list[int]]) -> dict[str, float]:
    """precision@K, nDCG@K (binary relevance) and the posts with fewer than K suggestions."""
    relevant = relevant_counts(corpus)
    precision = ndcg = 0.0
    short = 0
    for i, doc in enumerate(corpus):
        shown = suggestions.get(i, [])[:K]
        short += len(shown) < K
        hits = [corpus[j]["label"] == doc["label"] for j in shown]
        precision += sum(hits) / K
        dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(hits) if hit)
        ideal = sum(1 / math.log2(rank + 2) for rank in range(min(K, relevant[i])))
        ndcg += dcg / ideal if ideal else 0.0
    n = len(corpus)
    return {"p@5": precision / n, "nDCG@5": ndcg / n, "short": short}


def _top(acc: dict[int, float]) -> list[int]:
    return [j for j, _ in sorted(acc.items(), key=lambda kv: (-kv[1], kv[0]))[:K]]


def tfidf_baseline(corpus) -> dict[int, list[int]]:
    """Plain TF-IDF cosine: lower-cased words of title and body, raw tf × log(N/df)."""
    vectors, df = [], Counter()
    for doc in corpus:
        tf = Counter(WORD.findall(f"{doc['title']} {doc['body']}".lower()))
        vectors.append(tf)
        df.update(tf.keys())
    n = len(corpus)
    weighted, postings = [], defaultdict(list)
    for i, tf in enumerate(vectors):
        v = {t: c * math.log(n / df[t]) for t, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        v = {t: x / norm for t, x in v.items() if x > 0}
        weighted.append(v)
        for t, x in v.items():
            postings[t].append((i, x))
    result = {}
    for i, v in enumerate(weighted):
        acc: dict[int, float] = defaultdict(float)
        for t, x in v.items():
            for j, y in postings[t]:
                if j != i:
                    acc[j] += x * y
        result[i] = _top(acc)
    return result


def bm25_baseline(corpus, k1: float = 1.2, b: float = 0.75) -> dict[int, list[int]]:
    """BM25 with the post's distinct words (title and body) as the query against every other
    post (Okapi weighting, Lucene's idf)."""
    docs = [Counter(WORD.findall(f"{d['title']} {d['body']}".lower())) for d in corpus]
    lengths = [sum(tf.values()) for tf in docs]
    n = len(docs)
    avgdl = sum(lengths) / n
    df = Counter(t for tf in docs for t in tf)
    idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    postings = defaultdict(list)
    for j, tf in enumerate(docs):
        norm = k1 * (1 - b + b * lengths[j] / avgdl)
        for t, c in tf.items():
            postings[t].append((j, idf[t] * c * (k1 + 1) / (c + norm)))
    result = {}
    for i, tf in enumerate(docs):
        acc: dict[int, float] = defaultdict(float)
        for t in tf:
            for j, w in postings[t]:
                if j != i:
                    acc[j] += w
        result[i] = _top(acc)
    return result


def tag_overlap(corpus) -> dict[int, list[int]]:
    """Tag overlap alone (like django-taggit's similar_objects): most shared tags first."""
    by_tag = defaultdict(list)
    for i, doc in enumerate(corpus):
        for tag in doc["tags"]:
            by_tag[tag].append(i)
    result = {}
    for i, doc in enumerate(corpus):
        acc: dict[int, float] = defaultdict(float)
        for tag in doc["tags"]:
            for j in by_tag[tag]:
                if j != i:
                    acc[j] += 1
        result[i] = _top(acc)
    return result


def use_fresh_database(path: str) -> None:
    """Point Django at a new, migrated SQLite file, so each corpus is a blog of its own."""
    from django.core.management import call_command
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = path
    call_command("migrate", verbosity=0)


def load(corpus) -> dict[int, int]:
    """Load the corpus as published posts with their tags and categories; returns the index in
    the corpus of each post's primary key."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from blog.models import Category, Post

    user = get_user_model().objects.create(username="eval")
    categories = {
        name: Category.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        for name in sorted({d["category"] for d in corpus if d["category"]})
    }
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(
            title=doc["title"],
            slug=f"doc-{i}",
            author=user,
            body=doc["body"],
            body_html="",
            status=Post.Status.PUBLISHED,
            published_at=now - datetime.timedelta(minutes=i),
        )
        for i, doc in enumerate(corpus)
    )
    through = Post.categories.through
    through.objects.bulk_create(
        through(post_id=post.pk, category_id=categories[doc["category"]].pk)
        for post, doc in zip(posts, corpus, strict=True)
        if doc["category"]
    )
    # Bulk, like an import: no per-post refresh, the rebuild below indexes everything.
    tags = {
        name: Tag.objects.create(name=name)
        for name in sorted({t for d in corpus for t in d["tags"]})
    }
    content_type = ContentType.objects.get_for_model(Post)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tags[name], content_type=content_type, object_id=post.pk)
        for post, doc in zip(posts, corpus, strict=True)
        for name in doc["tags"]
    )
    return {post.pk: i for i, post in enumerate(posts)}


def engine_lists(index_of: dict[int, int], **overrides) -> tuple[dict[int, list[int]], float]:
    """Run rebuild_related (optionally with other settings), read the stored lists."""
    from django.test import override_settings

    from related.models import RelatedPost
    from related.rebuild import related_rebuild

    RelatedPost.objects.all().delete()
    with override_settings(**overrides):
        started = time.perf_counter()
        related_rebuild()
        elapsed = time.perf_counter() - started
    suggestions = defaultdict(list)
    for post_id, related_id in RelatedPost.objects.order_by("post_id", "rank").values_list(
        "post_id", "related_id"
    ):
        suggestions[index_of[post_id]].append(index_of[related_id])
    return suggestions, elapsed


def semantic_available() -> bool:
    from related import semantic

    return semantic.packaged_model_installed()


def cache_embeddings() -> None:
    """The three variants of a corpus have the same texts: encode each text once per run."""
    from related import semantic

    model = semantic.PackagedMiniLM()
    memo: dict[str, object] = {}

    class Cached:
        name = model.name

        def encode(self, texts):
            missing = [t for t in dict.fromkeys(texts) if t not in memo]
            if missing:
                memo.update(zip(missing, model.encode(missing), strict=True))
            return [memo[t] for t in texts]

    cached = Cached()
    semantic.encoder = lambda: cached


def evaluate(name, docs, variant_name, workdir, *, with_semantic, baselines) -> dict:
    """Load one variant of a corpus into its own database and score every method on it."""
    rng = random.Random(f"{name}-{variant_name}")
    corpus = variant(docs, variant_name, rng)
    use_fresh_database(os.path.join(workdir, f"{name}-{variant_name}.sqlite3"))
    index_of = load(corpus)
    ours, elapsed = engine_lists(index_of)
    results = {"related-posts engine": scores(corpus, ours)}
    if with_semantic:
        hybrid, hybrid_elapsed = engine_lists(index_of, RELATED_POSTS_SEMANTIC="packaged")
        results["semantic hybrid"] = scores(corpus, hybrid)
    results["plain TF-IDF cosine"] = scores(corpus, baselines["tfidf"])
    results["BM25"] = scores(corpus, baselines["bm25"])
    results["tag overlap alone"] = scores(corpus, tag_overlap(corpus))
    tagged = sum(1 for d in corpus if d["tags"])
    print(
        f"[{name} {variant_name}] {len(corpus)} posts, {tagged} tagged; engine rebuild "
        f"{elapsed:.1f} s"
        + (f", hybrid rebuild {hybrid_elapsed:.1f} s" if with_semantic else "")
        + "; "
        + ", ".join(f"{m} p@5 {r['p@5']:.3f}" for m, r in results.items()),
        flush=True,
    )
    return results


def table(figures: dict[tuple[str, str], dict]) -> None:
    methods = list(next(iter(figures.values())))
    print()
    print(f"precision@{K} / nDCG@{K}; held-out corpora marked *")
    print(
        "| corpus | variant | "
        + " | ".join(methods)
        + " | engine − TF-IDF p@5 | engine: posts with < 5 |"
    )
    print("| --- | --- | " + " | ".join("---:" for _ in methods) + " | ---: | ---: |")
    for (name, variant_name), results in figures.items():
        role = CORPORA[name][1]
        cells = [f"{r['p@5']:.3f} / {r['nDCG@5']:.3f}" for r in results.values()]
        lead = results["related-posts engine"]["p@5"] - results["plain TF-IDF cosine"]["p@5"]
        print(
            f"| {name}{' *' if role == 'held-out' else ''} | {variant_name} | "
            + " | ".join(cells)
            + f" | {lead:+.3f} | {results['related-posts engine']['short']} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-label", type=int, default=120)
    parser.add_argument("--seed", type=int, default=4, help="which posts are drawn")
    parser.add_argument("--corpus", nargs="+", choices=list(CORPORA), default=list(CORPORA))
    parser.add_argument("--variant", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--no-semantic", action="store_true")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="related-eval-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/eval.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    with_semantic = not args.no_semantic and semantic_available()
    if with_semantic:
        cache_embeddings()
    else:
        print("semantic hybrid: not measured (extra not installed or --no-semantic)")

    figures = {}
    for name in args.corpus:
        build, role, description = CORPORA[name]
        docs = build(args.per_label, random.Random(args.seed))
        labels = Counter(d["label"] for d in docs)
        print(f"{name} ({role}): {len(docs)} {description}, {len(labels)} labels", flush=True)
        baselines = {"tfidf": tfidf_baseline(docs), "bm25": bm25_baseline(docs)}
        for variant_name in args.variant:
            figures[(name, variant_name)] = evaluate(
                name, docs, variant_name, workdir, with_semantic=with_semantic, baselines=baselines
            )
    table(figures)


if __name__ == "__main__":
    main()
