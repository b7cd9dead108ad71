from django.core.management.base import BaseCommand

from core.signin import signin_unlock


class Command(BaseCommand):
    help = "Lift every admin sign-in pause on an account, from every address and browser."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The account name as typed on the sign-in page.")

    def handle(self, *args, username, **options):
        removed = signin_unlock(username=username)
        self.stdout.write(
            self.style.SUCCESS(
                f"Sign-in to {username!r} is open again ({removed} counter(s) cleared)."
            )
        )
