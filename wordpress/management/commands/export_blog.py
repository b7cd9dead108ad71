from pathlib import Path

from django.core.management.base import BaseCommand

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
            help="This site's address (https://blog.example.org): links and pictures in the "
            "export point there, for WordPress's importer to fetch.",
        )
        parser.add_argument(
            "--uploads",
            type=Path,
            help="Also copy every picture into this folder, for import_wordpress --uploads.",
        )

    def handle(self, *args, **options):
        summary = BlogExport(
            out=options["out"], site_url=options["site_url"], uploads=options["uploads"]
        ).run()
        self.stdout.write("\n".join(summary.lines()))
