import contextlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands.runserver import naiveip_re

from blog.models import Post

ADMIN_USERNAME = "admin"


def command_line() -> str:
    """How to run a management command the way this one was run: `groupblog` once installed,
    `python manage.py` from a checkout."""
    return "groupblog" if Path(sys.argv[0]).stem == "groupblog" else "python manage.py"


class Command(BaseCommand):
    """First run: migrate, add the demo to an empty database, make sure an admin exists, serve."""

    help = (
        "Set up a local site in one step: apply migrations, add demo content if there are no "
        'posts yet, create the "admin" superuser with a random password (printed once) unless '
        "it exists, then serve the site with runserver (skip with --no-serve)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Set up only; do not start the server."
        )
        parser.add_argument(
            "--addrport",
            default="127.0.0.1:8000",
            help="Address and port to serve on (default 127.0.0.1:8000).",
        )

    def handle(self, *args, no_serve, addrport, **options):
        match = naiveip_re.match(addrport)
        if match is None:
            raise CommandError(f'"{addrport}" is not a port number or an address:port pair.')
        verbosity = options["verbosity"]

        self.stdout.write("Applying database migrations…")
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))

        existing = Post.objects.count()
        if existing:
            self.stdout.write(
                f"The database already has {existing} post{'s' if existing != 1 else ''}: "
                "no demo content added."
            )
        else:
            self.stdout.write("Adding demo content…")
            call_command("seed_demo", verbosity=verbosity, stdout=self.stdout)
            # Each demo post starts its history, so editors find a first revision to compare.
            call_command(
                "createinitialrevisions",
                "blog.Post",
                comment="Added with the demo content.",
                verbosity=0,
            )

        password = self.admin_ensure()
        host = match["addr"] or "127.0.0.1"
        if host in {"0.0.0.0", "::", "[::]"}:
            host = "127.0.0.1"
        site = f"http://{host}:{match['port']}/"
        self.stdout.write("")
        if password:
            self.stdout.write(self.style.SUCCESS("Created the administrator account:"))
            self.stdout.write(f"  username: {ADMIN_USERNAME}")
            self.stdout.write(f"  password: {password}")
            self.stdout.write("  (shown only this once: note it, or change it in the admin)")
        else:
            self.stdout.write(
                f'The account "{ADMIN_USERNAME}" exists already; its password is unchanged '
                f"(reset it with: {command_line()} changepassword {ADMIN_USERNAME})."
            )
        self.stdout.write("")
        self.stdout.write(f"Site:  {site}")
        self.stdout.write(f"Admin: {site}admin/  (username: {ADMIN_USERNAME})")
        if settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
            self.stdout.write(
                "Workflow emails (submitted for review, published, changes requested) are "
                "printed here; set DJANGO_EMAIL_HOST to send them."
            )
        if no_serve:
            self.stdout.write(f"Start the server with: {command_line()} runserver {addrport}")
            return
        self.stdout.write(
            "Serving the site as readers see it (DEBUG off, the page cache on); stop it with "
            f"Ctrl-C. For development, with debug pages: {command_line()} runserver"
        )
        serve(addrport)

    def admin_ensure(self) -> str | None:
        """Create the admin superuser with a random password and return it; None if it exists."""
        User = get_user_model()
        if User.objects.filter(username=ADMIN_USERNAME).exists():
            return None
        password = secrets.token_urlsafe(16)
        User.objects.create_superuser(ADMIN_USERNAME, email="", password=password)
        return password


def serve(addrport: str) -> None:
    """Django's server in a child process with DEBUG off, so the quick start shows what readers
    get: the site's own error pages and the page cache (docs/caching.md). Static files come from
    the apps (WhiteNoise's finders, config/settings/dev.py) and uploads from Django."""
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SERVE_MEDIA": "1"}
    command = [
        sys.executable,
        "-c",
        "from config.manage import main; main()",
        "runserver",
        addrport,
        "--noreload",
    ]
    with contextlib.suppress(KeyboardInterrupt):
        subprocess.run(command, env=env, check=False)
