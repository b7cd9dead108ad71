from django.core.management.base import BaseCommand, CommandError

from blog.models import Post
from blog.rendering import bodies_rerender


class Command(BaseCommand):
    help = (
        "Render every post's Markdown body again and store the HTML where it differs: after a "
        "change to the rendering rules (quote attributions, allowed tags …), so old posts read "
        "like new ones. Posts keep their version, revisions and modification time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Posts read and written per batch."
        )

    def handle(self, *args, batch_size, **options):
        """Store each post's body rendered with the current rules."""
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        checked, changed = bodies_rerender(Post, batch_size=batch_size)
        self.stdout.write(f"Checked {checked} post(s); {changed} rendered differently and updated.")
