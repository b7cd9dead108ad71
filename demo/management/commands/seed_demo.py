import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from demo.content import demo_seed

MAX_POSTS = 100_000


class Command(BaseCommand):
    """Add deterministic demo content: the same --seed always writes the same posts."""

    help = (
        "Add realistic demo content for a policy and security group blog: ten staff with bios "
        "and avatars, eight categories, a few hundred tags, --posts published posts spread over "
        "the past three years (with featured images, quotes and sources), some drafts, some "
        "posts pending review, one sent back with changes requested and one scheduled post; the "
        "authors are editors, authors and contributors. The same --seed writes the same content. "
        "Running it again reuses the demo authors, categories, tags and images and adds the posts "
        "once more under new slugs (use another --seed for different titles)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--posts", type=int, default=60, help="Published posts to add (default 60)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed of the random choices (default 1)."
        )

    def handle(self, *args, posts, seed, **options):
        if not 0 <= posts <= MAX_POSTS:
            raise CommandError(f"--posts must be between 0 and {MAX_POSTS}, not {posts}.")
        started = time.perf_counter()
        summary = demo_seed(posts=posts, seed=seed)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {summary.published} published posts, {summary.drafts} drafts, "
                f"{summary.pending} pending, {summary.changes_requested} sent back with changes "
                f"requested and {summary.scheduled} scheduled post "
                f"in {elapsed:.1f} s."
            )
        )
        if options["verbosity"] > 1:
            self.stdout.write(
                f"New authors: {summary.authors_created}, categories: "
                f"{summary.categories_created}, tags: {summary.tags_created}, images: "
                f"{summary.images_generated}, reader votes: {summary.votes}."
            )
        if "rebuild_related" in get_commands():
            call_command(
                "rebuild_related",
                verbosity=options["verbosity"],
                stdout=self.stdout,
                stderr=self.stderr,
            )
