"""Demo content for a policy and security group blog, generated deterministically from a seed.

``demo_seed()`` is what ``manage.py seed_demo`` runs. The same seed always writes the same authors,
titles, bodies, tags and images; only publication dates follow the clock (spread over the three
years before now, plus one post scheduled a few days ahead). It is built to be fast enough for
benchmarks: posts, category links and tag links are bulk-inserted, each distinct body is rendered
once and reused, and featured images come from a small pool of generated illustrations that every
run shares.
"""

from __future__ import annotations

import collections
import datetime
import functools
import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageColor, ImageDraw, ImageFont
from taggit.models import Tag, TaggedItem

from authors.models import AuthorProfile
from blog.models import Category, Post, PostTransition, unique_slug
from blog.rendering import render_markdown
from blog.roles import AUTHORS_GROUP, CONTRIBUTORS_GROUP, EDITORS_GROUP
from blog.search import search_index_update
from blog.sidebar import sidebar_forget
from core.models import SiteIdentity
from demo import text
from images.markdown import figure_markdown
from images.models import Image as LibraryImage
from images.services import image_create
from ratings import conf as ratings_conf
from ratings.services import Ballot, votes_import

YEARS_OF_POSTS = 3
IMAGE_SIZE = (1200, 630)
IMAGE_VARIANTS = len(text.IMAGE_KICKERS)
AVATAR_SIZE = 256
SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the"}
SMALL_WORDS |= {"to", "with"}


@dataclass(frozen=True)
class SeedSummary:
    authors_created: int
    categories_created: int
    tags_created: int
    published: int
    drafts: int
    pending: int
    changes_requested: int
    scheduled: int
    images_generated: int
    votes: int


@dataclass(frozen=True)
class Topic:
    """What one distinct body is about; several posts may share it, each with its own title."""

    category: int
    subject: int
    instrument: int


# --- wording -----------------------------------------------------------------------------------


def capitalized(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def title_cased(phrase: str) -> str:
    """Headline case that leaves acronyms alone: "the EU's AI Act" → "The EU's AI Act"."""
    words = phrase.split(" ")
    return " ".join(
        word.lower()
        if i and word.lower() in SMALL_WORDS and not words[i - 1].endswith(":")
        else "-".join(capitalized(part) for part in word.split("-"))
        for i, word in enumerate(words)
    )


def topic_words(topic: Topic, seed: int) -> dict[str, str]:
    """The phrases a topic's sentences are filled with; the same topic and seed give the same."""
    category = text.CATEGORIES[topic.category]
    rng = random.Random(f"words:{seed}:{topic}")
    subjects = [phrase for phrase, _ in category["subjects"]]
    subject = subjects[topic.subject]
    instrument = category["instruments"][topic.instrument]
    actor = rng.choice(category["actors"])
    region = rng.choice(text.REGIONS)[0]
    ally = rng.choice([name for name, _, is_ally in text.REGIONS if is_ally and name != region])
    return {
        "subject": subject,
        "instrument": instrument,
        "Instrument": capitalized(instrument),
        "actor": actor,
        "region": region,
        "ally": ally,
        "category": category["name"].lower(),
        "other": rng.choice([s for s in subjects if s != subject]),
        "source": rng.choice(category["sources"]),
    }


def post_title(template: str, words: dict[str, str]) -> str:
    return title_cased(
        template.format(
            subject=title_cased(words["subject"]),
            instrument=title_cased(words["instrument"]),
            actor=title_cased(words["actor"]),
            region=title_cased(words["region"]),
        )
    )


def body_markdown(topic: Topic, seed: int) -> str:
    """A multi-paragraph Markdown body with headings, a list, a link and an attributed quote."""
    rng = random.Random(f"body:{seed}:{topic}")
    words = topic_words(topic, seed)
    source_name, source_url = text.SOURCES[words["source"]]
    sentences = [s.format(**words) for s in rng.sample(text.SENTENCES, 10)]
    headings = [rng.choice(choices).format(**words) for choices in text.HEADINGS]
    bullets = [b.format(**words) for b in rng.sample(text.BULLETS, rng.randint(3, 4))]
    numbered = rng.random() < 0.5
    quote, attribution, _ = rng.choice([q for q in text.QUOTES if topic.category in q[2]])
    source_sentence = rng.choice(text.SOURCE_SENTENCES).format(
        source_name=source_name, source_url=source_url
    )
    blocks = [
        " ".join([rng.choice(text.LEDES).format(**words), *sentences[0:2]]),
        " ".join(sentences[2:5]),
        f"## {capitalized(headings[0])}",
        " ".join(sentences[5:7]),
        rng.choice(text.LIST_INTROS).format(**words),
        "\n".join(
            f"{f'{n}.' if numbered else '-'} {bullet}" for n, bullet in enumerate(bullets, 1)
        ),
        f"> {quote}\n>\n> — {attribution}",
        f"## {capitalized(headings[1])}",
        " ".join([*sentences[7:9], source_sentence]),
        " ".join([sentences[9], rng.choice(text.CLOSINGS).format(**words)]),
    ]
    return "\n\n".join(blocks) + "\n"


# --- images ------------------------------------------------------------------------------------


@functools.cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def rgba(colour: str, alpha: int) -> tuple[int, int, int, int]:
    return (*ImageColor.getrgb(colour), alpha)


def avatar_png(initials: str, colour: str) -> bytes:
    """Initials in white on a coloured circle, transparent around it."""
    size = AVATAR_SIZE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, size - 1, size - 1), fill=rgba(colour, 255))
    draw.text((size / 2, size / 2), initials, font=font(104), fill="white", anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def featured_image_jpeg(category: int, variant: int) -> bytes:
    """An abstract illustration in the category's colours, with a kicker and the category name."""
    dark, mid, accent = text.CATEGORIES[category]["palette"]
    name = text.CATEGORIES[category]["name"]
    rng = random.Random(f"image:{category}:{variant}")
    width, height = IMAGE_SIZE
    # Rotate a square gradient at quarter size, wide enough that the crop never shows a corner.
    small = (width // 4, height // 4)
    side = math.ceil(math.hypot(*small)) + 2
    gradient = (
        Image.linear_gradient("L")
        .resize((side, side))
        .rotate(rng.uniform(20, 70), resample=Image.Resampling.BICUBIC)
        .crop(
            (
                (side - small[0]) // 2,
                (side - small[1]) // 2,
                (side + small[0]) // 2,
                (side + small[1]) // 2,
            )
        )
        .resize(IMAGE_SIZE, Image.Resampling.BICUBIC)
    )
    image = Image.composite(
        Image.new("RGBA", IMAGE_SIZE, rgba(mid, 255)),
        Image.new("RGBA", IMAGE_SIZE, rgba(dark, 255)),
        gradient,
    )
    overlay = Image.new("RGBA", IMAGE_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    PATTERNS[variant % len(PATTERNS)](draw, rng, accent)
    draw.rectangle((0, height - 230, width, height), fill=rgba(dark, 150))
    draw.rectangle((64, height - 180, 124, height - 174), fill=rgba(accent, 255))
    draw.text((64, height - 160), text.IMAGE_KICKERS[variant].upper(), font=font(28), fill=accent)
    draw.text((62, height - 118), name, font=font(64), fill="white")
    image = Image.alpha_composite(image, overlay).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def draw_circles(draw: ImageDraw.ImageDraw, rng: random.Random, accent: str) -> None:
    for _ in range(9):
        x, y, r = rng.uniform(300, 1200), rng.uniform(-100, 450), rng.uniform(40, 260)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rgba(accent, rng.randint(18, 60)))


def draw_network(draw: ImageDraw.ImageDraw, rng: random.Random, accent: str) -> None:
    nodes = [(rng.uniform(320, 1180), rng.uniform(30, 420)) for _ in range(22)]
    for i, (x1, y1) in enumerate(nodes):
        for x2, y2 in nodes[i + 1 :]:
            if math.dist((x1, y1), (x2, y2)) < 230:
                draw.line((x1, y1, x2, y2), fill=rgba(accent, 90), width=2)
    for x, y in nodes:
        r = rng.uniform(5, 12)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rgba(accent, 200))


def draw_bands(draw: ImageDraw.ImageDraw, rng: random.Random, accent: str) -> None:
    for i in range(7):
        x = 250 + i * 150 + rng.uniform(-30, 30)
        w = rng.uniform(30, 110)
        draw.polygon(
            [(x, 0), (x + w, 0), (x + w - 400, 630), (x - 400, 630)],
            fill=rgba(accent, rng.randint(20, 55)),
        )


def draw_rings(draw: ImageDraw.ImageDraw, rng: random.Random, accent: str) -> None:
    cx, cy = rng.uniform(800, 1050), rng.uniform(150, 300)
    for r in range(40, 700, 38):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=rgba(accent, 70), width=3)


PATTERNS: list[Callable[[ImageDraw.ImageDraw, random.Random, str], None]] = [
    draw_circles,
    draw_network,
    draw_bands,
    draw_rings,
]


# --- rows ------------------------------------------------------------------------------------


def site_identity_ensure() -> None:
    """Name the site unless an admin already has."""
    identity = SiteIdentity.objects.filter(pk=1).first()
    default_name = SiteIdentity._meta.get_field("name").default
    if identity is None or identity.name == default_name:
        SiteIdentity(
            name=text.SITE_NAME, tagline=text.SITE_TAGLINE, description=text.SITE_DESCRIPTION
        ).save()


def categories_ensure() -> tuple[list[Category], int]:
    """The demo categories, created when missing, in CATEGORIES order."""
    categories, created = [], 0
    for spec in text.CATEGORIES:
        category, was_created = Category.objects.get_or_create(
            name=spec["name"], defaults={"description": spec["description"]}
        )
        categories.append(category)
        created += was_created
    return categories, created


def authors_ensure(*, today: datetime.date) -> tuple[list, int]:
    """The demo authors: staff users in each role's group (Editors, Authors, Contributors), each
    with a profile and avatar. Existing users and profiles are reused and left as they are; demo
    users get no usable password."""
    User = get_user_model()
    groups = {
        "editor": Group.objects.get(name=EDITORS_GROUP),
        "author": Group.objects.get(name=AUTHORS_GROUP),
        "contributor": Group.objects.get(name=CONTRIBUTORS_GROUP),
    }
    users, created = [], 0
    for i, spec in enumerate(text.AUTHORS):
        user, was_created = User.objects.get_or_create(
            username=spec["username"],
            defaults={
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "email": f"{spec['username']}@example.org",
                "is_staff": True,
            },
        )
        if was_created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(groups[spec["role"]])
            created += 1
        profile_fields = {
            "display_name": f"{spec['first_name']} {spec['last_name']}",
            "bio": spec["bio"],
            "website": f"https://{spec['username']}.example/",
            "mastodon": f"https://infosec.example/@{spec['username']}",
            "joined": today
            - datetime.timedelta(days=365 * YEARS_OF_POSTS + 40 * (len(text.AUTHORS) - i)),
        }
        profile, profile_created = AuthorProfile.objects.get_or_create(
            user=user, defaults=profile_fields
        )
        if was_created and not profile_created:
            # The account's profile was made with it (authors.signals): fill it in.
            for name, value in profile_fields.items():
                setattr(profile, name, value)
            profile.save()
        if not profile.avatar_picture_id and not profile.avatar:
            initials = spec["first_name"][0] + spec["last_name"][0]
            profile.avatar_picture = image_create(
                data=avatar_png(initials, spec["colour"]),
                name=f"{spec['username']}.png",
                title=f"Avatar: {profile.display_name}",
                alt_text=profile.display_name,
                uploaded_by=user,
            )
            profile.save()
        users.append(user)
    return users, created


def tag_names() -> list[str]:
    """Subject tags, region tags and "<category>: <region>" tags (a few hundred in all)."""
    names = []
    for category in text.CATEGORIES:
        for _, tags in category["subjects"]:
            names.extend(tags)
    names.extend(tag for _, tag, _ in text.REGIONS)
    names.extend(f"{c['name']}: {tag}" for c in text.CATEGORIES for _, tag, _ in text.REGIONS)
    return list(dict.fromkeys(names))


def tags_ensure() -> tuple[dict[str, Tag], int]:
    """Every demo tag by lower-cased name, bulk-creating the missing ones with unique slugs."""
    names = tag_names()
    existing = {tag.name.lower(): tag for tag in Tag.objects.all()}
    taken = {tag.slug for tag in existing.values()}
    missing = []
    for name in names:
        if name.lower() in existing:
            continue
        slug = base = slugify(name, allow_unicode=True)
        n = 1
        while slug in taken:
            slug, n = f"{base}_{n}", n + 1
        taken.add(slug)
        missing.append(Tag(name=name, slug=slug))
    for tag in Tag.objects.bulk_create(missing):
        existing[tag.name.lower()] = tag
    return {name.lower(): existing[name.lower()] for name in names}, len(missing)


@dataclass
class PlannedPost:
    post: Post
    author: int
    categories: list[int]
    tags: list[str]


def publication_times(rng: random.Random, count: int, now: datetime.datetime) -> list:
    """``count`` times in the working hours of the past three years, oldest first, more of them
    in recent months."""
    times = []
    for _ in range(count):
        # Skewed towards recent months, as a growing blog publishes more and more often.
        day = now - datetime.timedelta(days=365 * YEARS_OF_POSTS * rng.random() ** 1.6)
        when = day.replace(hour=rng.randint(7, 18), minute=rng.choice([0, 15, 30, 45]), second=0)
        when = when.replace(microsecond=0)
        times.append(when if when < now else when - datetime.timedelta(days=1))
    return sorted(times)


def author_sequence(rng: random.Random, count: int) -> list[int]:
    """``count`` author indexes in proportion to the authors' weights (largest remainders first,
    everyone at least once when there are enough posts), in a shuffled order."""
    weights = [spec["weight"] for spec in text.AUTHORS]
    total = sum(weights)
    shares = [count * weight / total for weight in weights]
    quotas = [int(share) for share in shares]
    if count >= len(weights):
        quotas = [max(1, quota) for quota in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: quotas[i] - shares[i])
    for i in by_remainder[: max(0, count - sum(quotas))]:
        quotas[i] += 1
    while sum(quotas) > count:  # the minimum of one post each overshot: take from the largest
        quotas[quotas.index(max(quotas))] -= 1
    sequence = [i for i, quota in enumerate(quotas) for _ in range(quota)]
    rng.shuffle(sequence)
    return sequence


def posts_plan(
    *,
    rng: random.Random,
    seed: int,
    statuses: list[tuple[str, datetime.datetime | None]],
    authors: list[int],
) -> list[PlannedPost]:
    """One unsaved post per (status, publication time) by the author at the same place, with its
    categories and tags; bodies are rendered once per distinct topic."""
    rendered: dict[Topic, tuple[str, str]] = {}
    used_titles: set[str] = set()
    recent_subjects: collections.deque = collections.deque(maxlen=12)
    plans = []
    for author_index, (status, published_at) in zip(authors, statuses, strict=True):
        beats = text.AUTHORS[author_index]["beats"]
        category = rng.choice(beats) if rng.random() < 0.9 else rng.randrange(len(text.CATEGORIES))
        spec = text.CATEGORIES[category]
        # Prefer a new title on a subject none of the last few posts was about.
        for _ in range(8):
            topic = Topic(
                category,
                rng.randrange(len(spec["subjects"])),
                rng.randrange(len(spec["instruments"])),
            )
            words = topic_words(topic, seed)
            title = post_title(rng.choice(text.TITLES), words)
            if title not in used_titles and (category, topic.subject) not in recent_subjects:
                break
        used_titles.add(title)
        recent_subjects.append((category, topic.subject))
        if topic not in rendered:
            body = body_markdown(topic, seed)
            rendered[topic] = (body, render_markdown(body))
        body, body_html = rendered[topic]
        variant = rng.randrange(IMAGE_VARIANTS)
        has_image = rng.random() < 0.9
        source_name, source_url = text.SOURCES[words["source"]]
        has_source = rng.random() < 0.7
        region_tag = {name: tag for name, tag, _ in text.REGIONS}[words["region"]]
        subject_tags = spec["subjects"][topic.subject][1]
        extra = rng.choice(spec["subjects"])[1][:1] if rng.random() < 0.4 else []
        second = [spec["related"]] if rng.random() < 0.3 else []
        post = Post(
            title=title,
            excerpt=rng.choice(text.EXCERPTS).format(**words),
            body=body,
            body_html=body_html,
            featured_image=(
                f"featured/demo/{slugify(spec['name'])}-{variant + 1}.jpg" if has_image else ""
            ),
            featured_image_width=IMAGE_SIZE[0] if has_image else None,
            featured_image_height=IMAGE_SIZE[1] if has_image else None,
            featured_image_alt=(
                f"Abstract illustration in the colours of the {spec['name']} section"
                if has_image
                else ""
            ),
            featured_image_caption=f"Illustration: {words['subject']}." if has_image else "",
            featured_image_credit=text.IMAGE_CREDITS[variant] if has_image else "",
            source_name=source_name if has_source else "",
            source_url=source_url if has_source else "",
            status=status,
            published_at=published_at,
        )
        tags = [*subject_tags, *extra, region_tag, f"{spec['name']}: {region_tag}"]
        plans.append(
            PlannedPost(post, author_index, [category, *second], list(dict.fromkeys(tags)))
        )
    return plans


def demo_picture(category: int, variant: int) -> tuple[LibraryImage, bool]:
    """A pool illustration in the media library (and whether it was made now): found again by
    its title, so every run and seed shares the same pictures and their renditions."""
    spec = text.CATEGORIES[category]
    title = f"Demo illustration: {spec['name']} {variant + 1}"
    found = LibraryImage.objects.filter(title=title).order_by("pk").first()
    if found is not None:
        return found, False
    picture = image_create(
        data=featured_image_jpeg(category, variant),
        name=f"{slugify(spec['name'])}-{variant + 1}.jpg",
        title=title,
        alt_text=f"Abstract illustration in the colours of the {spec['name']} section",
        caption=f"An illustration for the {spec['name']} section.",
        credit=text.IMAGE_CREDITS[variant],
    )
    return picture, True


def featured_images_ensure(plans: list[PlannedPost]) -> int:
    """Put the pool illustrations the planned posts use in the media library and point the
    posts at them: as featured image (with a caption of the post's own), and on about one post
    in four as a figure in the body, after its first paragraph."""
    generated = 0
    pictures: dict[tuple[int, int], LibraryImage] = {}

    def picture(category: int, variant: int) -> LibraryImage:
        nonlocal generated
        if (category, variant) not in pictures:
            pictures[category, variant], made = demo_picture(category, variant)
            generated += made
        return pictures[category, variant]

    rendered: dict[str, str] = {}
    for plan in plans:
        post = plan.post
        if not post.featured_image:
            continue
        category = plan.categories[0]
        variant = int(post.featured_image.name.rsplit("-", 1)[1].split(".")[0]) - 1
        post.featured = picture(category, variant)
        post.featured_image = ""
        post.featured_image_width = post.featured_image_height = None
        post.featured_image_alt = post.featured_image_credit = ""
        if len(post.title) % 4 == 0:
            figure = picture(category, (variant + 1) % IMAGE_VARIANTS)
            opening, _, rest = post.body.partition("\n\n")
            post.body = f"{opening}\n\n{figure_markdown(figure)}\n\n{rest}"
            if post.body not in rendered:
                rendered[post.body] = render_markdown(post.body)
            post.body_html = rendered[post.body]
            post.demo_figure_id = figure.pk
    return generated


def demo_votes_add(*, rng: random.Random, posts: list[Post]) -> int:
    """Reader star ratings on about two posts in three: each post has a quality of its own and a
    few to a few dozen anonymous votes around it, recorded through the ratings service's bulk
    import (scores on the site's scale, stored counts exact: ``ratings_recount`` finds no
    drift)."""
    top = ratings_conf.max_score()
    ballots: list[Ballot] = []
    for post in posts:
        if rng.random() < 0.35:
            continue
        quality = rng.uniform(2.6, 4.9) * top / 5
        count = min(max(1, int(rng.paretovariate(1.3) * 3)), 120)
        scores = [min(top, max(1, round(rng.gauss(quality, 0.8)))) for _ in range(count)]
        ballots += [
            Ballot(
                object_id=post.pk,
                reader_key=f"a:demo-{post.pk}-{n}",
                score=score,
                ip_hash=f"{rng.getrandbits(128):032x}",
            )
            for n, score in enumerate(scores)
        ]
    return votes_import(model=Post, ballots=ballots)


def demo_history_add(
    *, rng: random.Random, posts: list[Post], reviewer, now: datetime.datetime
) -> None:
    """The workflow history of the posts in review: each pending post submitted by its author a
    few hours to a few days ago, the post sent back with the changes an editor asked for, the
    scheduled post scheduled by an editor (bulk-inserted, as the posts are; no email is sent)."""
    moves = []
    for post in posts:
        submitted = now - datetime.timedelta(hours=rng.randint(2, 120), minutes=rng.randint(0, 59))
        submit = PostTransition(
            post=post,
            actor_id=post.author_id,
            action="submit",
            from_state="draft",
            to_state="pending",
            created_at=submitted,
        )
        if post.status == Post.Status.PENDING:
            moves.append(submit)
        elif post.status == Post.Status.CHANGES_REQUESTED:
            moves.append(submit)
            moves.append(
                PostTransition(
                    post=post,
                    actor=reviewer,
                    action="request_changes",
                    from_state="pending",
                    to_state="changes",
                    note=rng.choice(text.REVIEW_NOTES),
                    created_at=submitted + datetime.timedelta(hours=1),
                )
            )
        elif post.status == Post.Status.PUBLISHED and post.published_at > now:
            moves.append(submit)
            moves.append(
                PostTransition(
                    post=post,
                    actor=reviewer,
                    action="schedule",
                    from_state="pending",
                    to_state="scheduled",
                    publish_at=post.published_at,
                    created_at=submitted + datetime.timedelta(hours=2),
                )
            )
    PostTransition.objects.bulk_create(moves)


def demo_seed(*, posts: int, seed: int, now: datetime.datetime | None = None) -> SeedSummary:
    """Add demo content: authors, categories and tags are created once and reused; every call
    adds ``posts`` published posts plus drafts, pending posts, one post sent back with changes
    requested and one scheduled post, with slugs that do not clash with existing ones."""
    now = now or timezone.now()
    rng = random.Random(seed)
    drafts, pending = max(2, posts // 20), max(2, posts // 40)
    scheduled_at = (now + datetime.timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    statuses = [
        *((Post.Status.PUBLISHED, when) for when in publication_times(rng, posts, now)),
        *((Post.Status.DRAFT, None) for _ in range(drafts)),
        *((Post.Status.PENDING, None) for _ in range(pending)),
        (Post.Status.CHANGES_REQUESTED, None),
        (Post.Status.PUBLISHED, scheduled_at),
    ]
    # Every author gets published posts in proportion to their weight; unpublished ones likewise.
    authors = author_sequence(rng, posts) + author_sequence(rng, len(statuses) - posts)
    plans = posts_plan(rng=rng, seed=seed, statuses=statuses, authors=authors)
    images_generated = featured_images_ensure(plans)

    with transaction.atomic():
        site_identity_ensure()
        categories, categories_created = categories_ensure()
        users, authors_created = authors_ensure(today=timezone.localdate(now))
        tags, tags_created = tags_ensure()
        taken = Post.objects.addresses()
        for plan in plans:
            plan.post.author_id = users[plan.author].pk
            plan.post.slug = unique_slug(plan.post.title, taken=taken)
        created = Post.objects.bulk_create([plan.post for plan in plans], batch_size=500)
        Through = Post.categories.through
        Through.objects.bulk_create(
            [
                Through(post_id=post.pk, category_id=categories[c].pk)
                for post, plan in zip(created, plans, strict=True)
                for c in plan.categories
            ],
            batch_size=2000,
        )
        content_type = ContentType.objects.get_for_model(Post)
        TaggedItem.objects.bulk_create(
            [
                TaggedItem(content_type=content_type, object_id=post.pk, tag=tags[name.lower()])
                for post, plan in zip(created, plans, strict=True)
                for name in plan.tags
            ],
            batch_size=2000,
        )
        BodyImage = Post.body_images.through
        BodyImage.objects.bulk_create(
            [
                BodyImage(post_id=post.pk, image_id=plan.post.demo_figure_id)
                for post, plan in zip(created, plans, strict=True)
                if getattr(plan.post, "demo_figure_id", None)
            ],
            batch_size=2000,
        )
        demo_history_add(rng=rng, posts=created, reviewer=users[0], now=now)
        # bulk_create sends no signals: index the new posts for search here.
        search_index_update(post_ids=[post.pk for post in created])
        votes = demo_votes_add(
            rng=rng,
            posts=[post for post in created if post.published_at and post.published_at <= now],
        )
    # bulk_create sends no signals, so forget the cached sidebar here.
    sidebar_forget()

    return SeedSummary(
        authors_created=authors_created,
        categories_created=categories_created,
        tags_created=tags_created,
        published=posts,
        drafts=drafts,
        pending=pending,
        changes_requested=1,
        scheduled=1,
        images_generated=images_generated,
        votes=votes,
    )
