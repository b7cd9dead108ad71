import time

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from images.models import Image
from images.renditions import formats_for, rendition_plan
from images.services import renditions_rebuild


def renditions_complete(image: Image) -> bool:
    """Every rendition the current settings ask for is recorded and its file is in storage."""
    expected = {
        (kind, fmt)
        for kind, _, _ in rendition_plan(image.width, image.height)
        for fmt in formats_for(image.file_format)
    }
    recorded = {(r["kind"], r["format"]) for r in image.renditions or ()}
    if not expected <= recorded:
        return False
    return all(default_storage.exists(r["name"]) for r in image.renditions)


class Command(BaseCommand):
    help = (
        "Make the renditions of the media library's pictures again, one picture at a time: after "
        "changing IMAGES_RENDITION_WIDTHS or IMAGES_SQUARE_SIZES, after moving storage, or "
        "(with --missing-only) after migrating pictures from before the library. Texts placing "
        "a rebuilt picture are rendered again. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing-only",
            action="store_true",
            help="Only pictures with a rendition missing (from the list or from storage).",
        )
        parser.add_argument("--chunk-size", type=int, default=200, help="Ids read per batch.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, missing_only, chunk_size, no_progress, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        started = time.perf_counter()
        total = Image.objects.count()
        done = rebuilt = failed = 0
        last_pk = 0
        while True:
            # Ids in batches, one picture in memory at a time.
            ids = list(
                Image.objects.filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:chunk_size]
            )
            if not ids:
                break
            last_pk = ids[-1]
            for pk in ids:
                image = Image.objects.filter(pk=pk).first()
                done += 1
                if image is None or (missing_only and renditions_complete(image)):
                    self.progress(done, total, no_progress)
                    continue
                try:
                    renditions_rebuild(image=image)
                    rebuilt += 1
                except Exception as error:  # a missing or unreadable original: say which
                    failed += 1
                    self.stderr.write(f"\nImage {pk} ({image.file.name}): {error}")
                self.progress(done, total, no_progress)
        if not no_progress and total:
            self.stderr.write("")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Renditions rebuilt for {rebuilt} of {total} pictures in {elapsed:.1f} s"
            + (f"; {failed} could not be read." if failed else ".")
        )
        if failed:
            raise CommandError(f"{failed} pictures could not be rebuilt (see above).")

    def progress(self, done: int, total: int, hidden: bool) -> None:
        if hidden:
            return
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stderr.write(f"\rRenditions [{bar}] {done}/{total}", ending="")
        self.stderr.flush()
