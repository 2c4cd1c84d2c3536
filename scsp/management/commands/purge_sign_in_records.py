"""Delete sign-in records (django-axes attempts and sign-in log) older than
``SIGN_IN_RECORDS_KEEP_DAYS``; beat runs the same nightly (``purge_sign_in_records_task``)."""

from django.core.management.base import BaseCommand

from scsp.auth import purge_sign_in_records


class Command(BaseCommand):
    help = "Delete sign-in records older than SIGN_IN_RECORDS_KEEP_DAYS (default 90)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Keep this many days instead of SIGN_IN_RECORDS_KEEP_DAYS.")

    def handle(self, *args, **options):
        count = purge_sign_in_records(keep_days=options["days"])
        self.stdout.write(f"Deleted {count} sign-in records.")
