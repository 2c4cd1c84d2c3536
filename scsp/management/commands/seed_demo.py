"""Load the demo partnership (Sandwell, from its 2022-23 annual report).

Each installed app may have a ``demo`` module with ``seed(command)``; they run in
INSTALLED_APPS order, which is the dependency order (core, actions, reviews, audits, reports).
Every step is idempotent: running the command twice creates no duplicates.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings


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
            help="small: the demo partnership; large: benchmark data (an app's bench_data module).",
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
        if options["scale"] == "large":
            # The benchmark builder needs every app's models, so it lives in the app at the top
            # of the dependency order; found by name like the demo modules, never imported here.
            builders = [m for m in (self._app_module(c, "bench_data")
                                    for c in apps.get_app_configs()) if m is not None]
            if not builders:
                raise CommandError("No app provides a bench_data module.")
            if not builders[-1].build(actions=options["actions"], out=self.stdout):
                self.stdout.write("Benchmark data is already loaded.")
            return
        # Demo records go through the real services, which queue notices; nobody should get
        # e-mail for them (and `make run` should not print dozens), so they go nowhere.
        quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        with quiet, transaction.atomic():
            for config in apps.get_app_configs():
                module = self._app_module(config, "demo")
                if module is not None:
                    module.seed(self)
        from scsp.demo import print_sign_ins

        print_sign_ins(self)

    @staticmethod
    def _app_module(config, name):
        """``<app>.<name>`` if the app has such a module, else None."""
        try:
            return import_module(f"{config.name}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
            return None
