import time

from django.core.management.base import BaseCommand, CommandError

from related.rebuild import related_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the related-posts term statistics, index and every post's related list, in "
        "bulk. Run it after bulk imports, after changing the RELATED_POSTS_* settings, and on "
        "large blogs from a nightly or weekly schedule so the term statistics follow the blog."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size", type=int, default=1000, help="Posts read and written per batch."
        )
        parser.add_argument(
            "--keep-statistics",
            action="store_true",
            help="Reuse the term statistics in force instead of counting them again (the lists "
            "then come out exactly as the ones kept up to date after each change).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, chunk_size, keep_statistics, no_progress, **options):
        """Rebuild all related-post lists from the published posts (streamed in chunks)."""
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        started = time.perf_counter()
        count = related_rebuild(
            chunk_size=chunk_size,
            progress=None if no_progress else self.progress,
            keep_statistics=keep_statistics,
        )
        if not no_progress:
            self.stderr.write("")
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Related posts rebuilt for {count} published posts in {elapsed:.1f} s.")

    def progress(self, stage: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stderr.write(f"\r{stage:<15} [{bar}] {done}/{total}", ending="")
        self.stderr.flush()
