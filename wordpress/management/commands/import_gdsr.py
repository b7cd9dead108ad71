from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from wordpress.gdsr import GDSRError, GDSRImport


class Command(BaseCommand):
    help = (
        "Import GD Star Rating's votes for the posts import_wordpress brought: the plugin's "
        "tables as CSV (mysql -B or phpMyAdmin) or a mysqldump file. The aggregates are checked "
        "against the plugin's; re-running changes nothing; --dry-run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--log", type=Path, help="The wp_gdsr_votes_log table.")
        parser.add_argument(
            "--articles",
            type=Path,
            help="The wp_gdsr_data_article table: the plugin's own counts, to check against.",
        )
        parser.add_argument("--multis", type=Path, help="The wp_gdsr_multis table (sets).")
        parser.add_argument("--multis-data", type=Path, help="The wp_gdsr_multis_data table.")
        parser.add_argument("--multis-values", type=Path, help="The wp_gdsr_multis_values table.")
        parser.add_argument(
            "--dump",
            type=Path,
            help="A mysqldump file holding the plugin's tables (instead of one file per table).",
        )
        parser.add_argument(
            "--stars",
            type=int,
            default=10,
            help="How many stars the plugin showed (Settings → GD Star Rating; default 10).",
        )
        parser.add_argument(
            "--rescale",
            action="store_true",
            help="Bring votes on the plugin's scale down to RATINGS_MAX_SCORE stars.",
        )
        parser.add_argument(
            "--time-zone", help="The WordPress blog's time zone, for the votes' dates."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Do everything, report it, change nothing."
        )

    def handle(self, *args, **options):
        try:
            report = GDSRImport(
                log=options["log"],
                articles=options["articles"],
                multis=options["multis"],
                multis_data=options["multis_data"],
                multis_values=options["multis_values"],
                dump=options["dump"],
                stars=options["stars"],
                rescale=options["rescale"],
                time_zone=options["time_zone"],
                dry_run=options["dry_run"],
            ).run()
        except GDSRError as exc:
            raise CommandError(f"{exc}") from exc
        except (DatabaseError, OSError) as exc:
            raise CommandError(
                "The import failed and was rolled back; nothing changed. The cause: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        self.stdout.write("\n".join(report.lines()))
