"""Print the 6-digit code a demo person's authenticator app shows now, so a newcomer can sign
in to ``make run``'s demo without an app. Demo settings only; the logic is ``demo.core``."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print a demo person's current second-factor code (demo settings only)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The demo sign-in, e.g. coordinator@scsp.example")

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Refusing: demo codes exist only in the demo settings, never in "
                               "production.")
        # Imported here: only the demo commands reach the demo package, and only when run.
        from demo.core import demo_code

        try:
            code = demo_code(options["email"])
        except (LookupError, PermissionError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(code)
