import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from blog.roles import AUTHORS_GROUP, CONTRIBUTORS_GROUP, EDITORS_GROUP
from wordpress.importer import ImportRefused, WordPressImport
from wordpress.wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR file from Tools → Export) with its uploads folder: "
        "authors, categories, tags, posts, pictures and old addresses. Re-running updates what "
        "changed and duplicates nothing; --dry-run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="The WordPress export file (.xml).")
        parser.add_argument(
            "--uploads",
            type=Path,
            help="The blog's wp-content/uploads folder, copied from the old server.",
        )
        parser.add_argument(
            "--role",
            default=CONTRIBUTORS_GROUP,
            choices=[CONTRIBUTORS_GROUP, AUTHORS_GROUP, EDITORS_GROUP],
            help="The role imported authors get (default: Contributors).",
        )
        parser.add_argument(
            "--pages", action="store_true", help="Import WordPress pages as posts too."
        )
        parser.add_argument(
            "--time-zone",
            help="The WordPress blog's time zone (Settings → General), for posts that have no "
            "UTC date; default: the site's TIME_ZONE.",
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="This site's address (https://blog.example.org), to print the authors' "
            "set-password links in full.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Do everything, report it, change nothing."
        )

    def handle(self, *args, **options):
        show_progress = options["verbosity"] >= 1 and sys.stderr.isatty()

        def progress(done, total):
            if show_progress and (done % 50 == 0 or done == total):
                width = 30
                filled = width * done // max(total, 1)
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} items")
                if done == total:
                    sys.stderr.write("\n")
                sys.stderr.flush()

        try:
            run = WordPressImport(
                source=options["export"],
                uploads=options["uploads"],
                role=options["role"],
                pages=options["pages"],
                time_zone=options["time_zone"],
                dry_run=options["dry_run"],
                site_url=options["site_url"],
                progress=progress,
            )
            report = run.run()
        except (ImportRefused, WXRError) as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc
        except KeyboardInterrupt as exc:
            raise CommandError("Interrupted: the import was rolled back; nothing changed.") from exc
        except (DatabaseError, OSError) as exc:
            # Items that fail are reported and the run goes on; this is the whole run failing
            # (a lost connection, a full disk, the database refusing the commit).
            raise CommandError(
                f"The import failed and was rolled back; nothing changed and the pictures it "
                f"had stored were deleted. The cause: {type(exc).__name__}: {exc}"
            ) from exc
        self.stdout.write("\n".join(report.lines()))
