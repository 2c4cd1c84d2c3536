"""Load the demo partnership (Sandwell, from its 2022-23 annual report).

The data lives in the top-level ``demo`` package, outside the product apps: ``demo.seed`` runs
each app's demo step in the dependency order (core, actions, reviews, audits, reports), and
``--scale large`` builds the benchmark partnership (``demo.bench``). Every step is idempotent:
running the command twice creates no duplicates.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from scsp.audit.changes import indexed_at_the_end


class Command(BaseCommand):
    help = "Load the demo Sandwell partnership: agencies, people, themes and demo records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the settings look like production.",
        )
        parser.add_argument(
            "--scale", choices=["small", "large"], default="small",
            help="small: the demo partnership; large: benchmark data (demo.bench).",
        )
        parser.add_argument(
            "--actions", type=int, default=20_000,
            help="With --scale large: how many actions (other records scale with it).",
        )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED and not options["force"]:
            raise CommandError(
                "Refusing to load demo data: this is a production configuration "
                "(SCSP_ENV=production). Use --force only on a throwaway copy."
            )
        # Imported here, not at the top: the command is the only product code that reaches the
        # demo package, and only when it runs.
        import demo
        from demo import bench, core

        if options["scale"] == "large":
            if not bench.build(actions=options["actions"], out=self.stdout):
                self.stdout.write("Benchmark data is already loaded.")
            return
        # Demo records go through the real services, which queue notices; nobody should get
        # e-mail for them (and `make run` should not print dozens), so they go nowhere.
        quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        # The change history's index rows are sealed and written together at the end (one
        # insert instead of three statements for each of ~1,400 versions).
        with quiet, transaction.atomic(), indexed_at_the_end():
            demo.seed(self)
        core.print_sign_ins(self)
