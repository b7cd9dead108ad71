import time

from django.core.management.base import BaseCommand, CommandError

from blog.search import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Index every post for search again: after bulk imports or raw SQL edits (which send no "
        "signals), and after changing BLOG_SEARCH_LANGUAGE. Readers keep searching meanwhile on "
        "PostgreSQL (the rebuild runs in one transaction)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size", type=int, default=1000, help="Posts read and written per batch."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, chunk_size, no_progress, **options):
        """Empty the search index and fill it from every post, in one transaction."""
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        started = time.perf_counter()
        count = search_index_rebuild(
            chunk_size=chunk_size, progress=None if no_progress else self.progress
        )
        if not no_progress and count:
            self.stderr.write("")
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Search index rebuilt for {count} posts in {elapsed:.1f} s.")

    def progress(self, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stderr.write(f"\rIndexing [{bar}] {done}/{total}", ending="")
        self.stderr.flush()
