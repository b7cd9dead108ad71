from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from wordpress.export import BlogExport


class Command(BaseCommand):
    help = (
        "Write the whole blog out: OUT.xml, a WordPress export (WXR 1.2) that WordPress's "
        "importer reads, and OUT.jsonl with what WXR cannot hold (Markdown sources, votes, "
        "rating sets, related-post pins, old addresses). import_wordpress OUT.xml reads both."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path, help="Where to write the export (OUT.xml).")
        parser.add_argument(
            "--site-url",
            default="",
            help="This site's address (https://blog.example.org), required: links and pictures "
            "in the export point there, for WordPress's importer to fetch. (The site has no "
            "setting for its own address: it answers at whatever host it is reached by.)",
        )
        parser.add_argument(
            "--uploads",
            type=Path,
            help="Also copy every picture into this folder, for import_wordpress --uploads.",
        )

    def handle(self, *args, **options):
        site_url = options["site_url"].strip().rstrip("/")
        if not site_url:
            raise CommandError(
                "Give this site's address with --site-url https://blog.example.org: WordPress's "
                "importer fetches the pictures from the addresses in the export and needs each "
                "post's full address, and the site has no setting for its own address. "
                "Nothing was written."
            )
        parts = urlsplit(site_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise CommandError(
                f"--site-url must be the site's address, such as https://blog.example.org, not "
                f"{site_url!r}. Nothing was written."
            )
        try:
            summary = BlogExport(
                out=options["out"], site_url=site_url, uploads=options["uploads"]
            ).run()
        except OSError as exc:
            raise CommandError(
                f"Cannot write the export to {options['out']}: {exc.strerror or exc} "
                f"({exc.filename or options['out']}). Choose a folder you can write to."
            ) from exc
        self.stdout.write("\n".join(summary.lines()))
