"""Fill the configured database with a deterministic synthetic portfolio (bench.synthetic)."""

from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bench.synthetic import DatabaseNotEmpty, generate
from missions.management.upkeep import analyze


class Command(BaseCommand):
    help = (
        "Create a synthetic portfolio: missions, contributions, documents dated 2020-2028 and "
        "about three statements per contribution. The same --seed always gives the same data. "
        "Rows are written in bulk, so they get no audit-trail (history) entries; synthetic data "
        "needs none. Refuses to run when the database holds any source document, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--contributions",
            type=int,
            default=1000,
            help="How many contributions to create (default 1000).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the synthetic data even though the database holds documents already.",
        )

    def handle(self, *args, contributions: int, seed: int, force: bool, verbosity: int, **options):
        progress = self.stdout.write if verbosity > 1 else None
        try:
            made = generate(contributions, seed, force=force, progress=progress)
        except (DatabaseNotEmpty, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        analyze()
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Created %(missions)d missions, %(contributions)d contributions, "
                        "%(documents)d documents and %(statements)d statements (seed %(seed)d)."
                    )
                    % {**made.__dict__, "seed": seed}
                )
            )
