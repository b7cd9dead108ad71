from django.core.management.base import BaseCommand

from ratings.models import RatingAggregate
from ratings.services import aggregates_recount


class Command(BaseCommand):
    help = "Rebuild every stored rating count and sum from the votes; report the drift fixed."

    def handle(self, *args, **options):
        drifts = aggregates_recount()
        for d in drifts:
            self.stdout.write(
                f"Fixed content type {d.content_type_id} object {d.object_id} criterion "
                f"{d.criterion_id}: count/sum {d.stored[0]}/{d.stored[1]} -> "
                f"{d.actual[0]}/{d.actual[1]}"
            )
        total = RatingAggregate.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"Checked {total} aggregate(s); fixed {len(drifts)} with drift.")
        )
