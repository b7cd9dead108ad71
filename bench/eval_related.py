"""Quality of the related-posts engine: precision@5 on two labelled corpora of real text.

Each corpus is built from source code installed on this machine: every class and function with a
substantial docstring becomes a post (title: the docstring's first line; body: the rest), labelled
with its package. A suggestion is right when it shares the label.

* "tuning": 12 packages of Python's standard library (asyncio, email, xml, …), label = top-level
  package. The engine's default weights and minimum score were chosen on this corpus.
* "held-out": Django's own subpackages (db, forms, template, contrib.admin, contrib.auth, …),
  label = second-level package. Never used to choose a default; it says how well the defaults
  carry over to text they were not tuned on.

Authors are simulated the same way on both: only some posts carry the package as a tag (and some
of those the wrong one), some carry a couple of keyword tags, some have a coarse category, many
have nothing, so tag overlap alone is weak. The same run scores this engine, a plain TF-IDF
cosine baseline and tag overlap alone on both corpora.

    python bench/eval_related.py [--per-label 120] [--seed 4] [--seeds 5]
                                 [--corpus tuning|held-out|both]

Each corpus is scored under several author simulations (seeds 4, 5, … : which posts get which
tags and categories, and which docstrings are drawn when a package has more than --per-label);
the summary gives the mean and the range. Seed 4 is the simulation the defaults were tuned on.

Runs against throwaway SQLite databases in /tmp (one per corpus), never the site's database.
"""

import argparse
import ast
import math
import os
import random
import re
import sys
import sysconfig
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# --- tuning corpus: the standard library ------------------------------------------------------

PACKAGES = [
    "asyncio",
    "concurrent",
    "ctypes",
    "curses",
    "distutils",
    "email",
    "http",
    "importlib",
    "json",
    "lib2to3",
    "logging",
    "multiprocessing",
    "sqlite3",
    "unittest",
    "urllib",
    "xml",
]
CATEGORY_OF = {
    "http": "Networking",
    "urllib": "Networking",
    "email": "Networking",
    "asyncio": "Concurrency",
    "multiprocessing": "Concurrency",
    "concurrent": "Concurrency",
    "json": "Data formats",
    "xml": "Data formats",
    "sqlite3": "Data formats",
    "unittest": "Tooling",
    "distutils": "Tooling",
    "importlib": "Tooling",
    "lib2to3": "Tooling",
    "logging": "Tooling",
    "ctypes": "Low level",
    "curses": "Low level",
}

# --- held-out corpus: Django's subpackages ----------------------------------------------------

DJANGO_CATEGORY_OF = {
    "db": "Data",
    "contrib.gis": "Data",
    "http": "Web",
    "views": "Web",
    "middleware": "Web",
    "urls": "Web",
    "template": "Presentation",
    "templatetags": "Presentation",
    "forms": "Presentation",
    "contrib.admin": "Site apps",
    "contrib.auth": "Site apps",
    "contrib.messages": "Site apps",
    "contrib.sessions": "Site apps",
    "core": "Core",
    "utils": "Core",
    "test": "Core",
    "apps": "Core",
    "conf": "Core",
    "dispatch": "Core",
}

MIN_DOC_CHARS = 160
MIN_LABEL_DOCS = 15
K = 5


def stdlib_sources() -> list[tuple[str, Path]]:
    """(label, file) for the tuning corpus: top-level stdlib packages, without their tests."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return [
        (package, path)
        for package in PACKAGES
        for path in sorted((stdlib / package).rglob("*.py"))
        if "test" not in path.parts[len(stdlib.parts) :]
    ]


def django_sources() -> list[tuple[str, Path]]:
    """(label, file) for the held-out corpus: Django's second-level packages (db, forms,
    contrib.admin, …), without migrations and translations."""
    import django

    root = Path(django.__file__).resolve().parent
    sources = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or "migrations" in parts or "locale" in parts:
            continue
        if parts[0] == "contrib":
            if len(parts) < 3:
                continue
            label = f"contrib.{parts[1]}"
        else:
            label = parts[0]
        if label in DJANGO_CATEGORY_OF:
            sources.append((label, path))
    return sources


def harvest(sources: list[tuple[str, Path]], per_label: int, rng: random.Random) -> list[dict]:
    """Classes and functions with real docstrings, per label."""
    docs_by_label: dict[str, list[dict]] = defaultdict(list)
    for label, path in sources:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                doc = ast.get_docstring(node) or ""
                if len(doc) < MIN_DOC_CHARS:
                    continue
                first, _, rest = doc.strip().partition("\n")
                if not rest.strip():
                    first, rest = node.name.replace("_", " "), doc
                docs_by_label[label].append(
                    {"title": first.strip()[:190], "body": rest.strip(), "label": label}
                )
    corpus = []
    for _label, docs in sorted(docs_by_label.items()):
        if len(docs) < MIN_LABEL_DOCS:
            continue
        rng.shuffle(docs)
        corpus.extend(docs[:per_label])
    return corpus


def simulate_authors(corpus: list[dict], category_of: dict[str, str], rng: random.Random) -> None:
    """Tags and categories as forgetful, inconsistent authors would set them."""
    from related.text import tokens

    labels = sorted({d["label"] for d in corpus})
    for doc in corpus:
        tags = set()
        if rng.random() < 0.35:  # a third tag the topic, one in five of them wrongly
            tags.add(doc["label"] if rng.random() < 0.8 else rng.choice(labels))
        if rng.random() < 0.4:  # some add a keyword or two from their text
            common = [t for t, _ in Counter(tokens(doc["body"])).most_common(6)]
            tags.update(rng.sample(common, min(len(common), rng.choice([1, 2]))))
        doc["tags"] = sorted(tags)
        doc["category"] = category_of[doc["label"]] if rng.random() < 0.5 else None


def precision_at_k(corpus, suggestions: dict[int, list[int]]) -> float:
    """Mean over posts of (suggestions sharing the label among the first K) / K."""
    total = 0.0
    for i, doc in enumerate(corpus):
        hits = sum(1 for j in suggestions.get(i, [])[:K] if corpus[j]["label"] == doc["label"])
        total += hits / K
    return total / len(corpus)


def tfidf_baseline(corpus) -> dict[int, list[int]]:
    """Plain TF-IDF cosine: lower-cased words of title and body, raw tf × log(N/df)."""
    word = re.compile(r"\w+")
    vectors, df = [], Counter()
    for doc in corpus:
        tf = Counter(word.findall(f"{doc['title']} {doc['body']}".lower()))
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
        acc: Counter = Counter()
        for t, x in v.items():
            for j, y in postings[t]:
                if j != i:
                    acc[j] += x * y
        result[i] = [j for j, _ in sorted(acc.items(), key=lambda kv: (-kv[1], kv[0]))[:K]]
    return result


def tag_overlap(corpus) -> dict[int, list[int]]:
    """Tag overlap alone (like django-taggit's similar_objects): most shared tags first."""
    by_tag = defaultdict(list)
    for i, doc in enumerate(corpus):
        for tag in doc["tags"]:
            by_tag[tag].append(i)
    result = {}
    for i, doc in enumerate(corpus):
        acc: Counter = Counter()
        for tag in doc["tags"]:
            for j in by_tag[tag]:
                if j != i:
                    acc[j] += 1
        result[i] = [j for j, _ in sorted(acc.items(), key=lambda kv: (-kv[1], kv[0]))[:K]]
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


def engine_lists(index_of: dict[int, int], **weights: float) -> tuple[dict[int, list[int]], float]:
    """Run rebuild_related (optionally with other signal weights), read the stored lists."""
    from django.test import override_settings

    from related.conf import DEFAULT_WEIGHTS
    from related.models import RelatedPost
    from related.rebuild import related_rebuild

    RelatedPost.objects.all().delete()
    with override_settings(RELATED_POSTS_WEIGHTS={**DEFAULT_WEIGHTS, **weights}):
        started = time.perf_counter()
        related_rebuild()
        elapsed = time.perf_counter() - started
    suggestions = defaultdict(list)
    for post_id, related_id in RelatedPost.objects.order_by("post_id", "rank").values_list(
        "post_id", "related_id"
    ):
        suggestions[index_of[post_id]].append(index_of[related_id])
    return suggestions, elapsed


CORPORA = {
    # name: (where the text comes from, its sources, its coarse categories)
    "tuning": ("stdlib packages", stdlib_sources, CATEGORY_OF),
    "held-out": ("Django subpackages", django_sources, DJANGO_CATEGORY_OF),
}


def evaluate(name: str, per_label: int, seed: int, workdir: str) -> dict[str, float]:
    """Build one corpus, load it into its own database, print and return the three figures."""
    description, sources, category_of = CORPORA[name]
    rng = random.Random(seed)
    corpus = harvest(sources(), per_label, rng)
    simulate_authors(corpus, category_of, rng)
    labels = Counter(d["label"] for d in corpus)
    tagged = sum(1 for d in corpus if d["tags"])
    use_fresh_database(os.path.join(workdir, f"{name}-{seed}.sqlite3"))
    index_of = load(corpus)
    ours, elapsed = engine_lists(index_of)
    text_only, _ = engine_lists(index_of, tags=0.0, categories=0.0)
    results = {
        "related-posts engine": precision_at_k(corpus, ours),
        "engine, text only": precision_at_k(corpus, text_only),
        "plain TF-IDF cosine": precision_at_k(corpus, tfidf_baseline(corpus)),
        "tag overlap alone": precision_at_k(corpus, tag_overlap(corpus)),
        "random (expected)": sum((c / len(corpus)) ** 2 for c in labels.values()),
    }
    print(
        f"[{name} seed {seed}] {len(corpus)} docstrings from {len(labels)} {description}; "
        f"{tagged} tagged ({100 * tagged / len(corpus):.0f} %), "
        f"{sum(1 for d in corpus if d['category'])} with a category; engine rebuild "
        f"{elapsed:.1f} s; p@{K}: "
        + ", ".join(f"{method} {value:.3f}" for method, value in results.items())
    )
    return results


def summary(figures: dict[str, list[dict[str, float]]]) -> None:
    """Mean over the author simulations (min–max when there are several), per corpus."""
    names = list(figures)
    runs = len(next(iter(figures.values())))

    def cell(values: list[float]) -> str:
        mean = sum(values) / len(values)
        return (
            f"{mean:.3f}"
            if len(values) == 1
            else f"{mean:.3f} ({min(values):.3f}–{max(values):.3f})"
        )

    print()
    print(
        f"precision@{K}, mean of {runs} author simulation(s)" + (" (min–max)" if runs > 1 else "")
    )
    print(f"| Method (same run) | {' | '.join(names)} |")
    print(f"| --- | {' | '.join('---:' for _ in names)} |")
    for method in figures[names[0]][0]:
        row = [cell([r[method] for r in figures[n]]) for n in names]
        print(f"| {method} | {' | '.join(row)} |")
    leads = [
        cell([r["related-posts engine"] - r["plain TF-IDF cosine"] for r in figures[n]])
        for n in names
    ]
    print(f"| engine − TF-IDF | {' | '.join(leads)} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-label", type=int, default=120)
    parser.add_argument("--seed", type=int, default=4, help="first author-simulation seed")
    parser.add_argument("--seeds", type=int, default=5, help="how many simulations per corpus")
    parser.add_argument("--corpus", choices=["tuning", "held-out", "both"], default="both")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="related-eval-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/eval.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()

    names = list(CORPORA) if args.corpus == "both" else [args.corpus]
    seeds = range(args.seed, args.seed + args.seeds)
    figures = {
        name: [evaluate(name, args.per_label, seed, workdir) for seed in seeds] for name in names
    }
    summary(figures)


if __name__ == "__main__":
    main()
