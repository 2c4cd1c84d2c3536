"""Report stored files no row names (orphans) and rows whose file is missing; with
``--delete-orphans`` remove orphans older than ``--older-than-hours`` (24). Exits 1 when
anything is left to look at, so a cron job or a monitoring check can alert on it."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from scsp.files import check


class Command(BaseCommand):
    help = "Check that stored files and the rows naming them agree (see scsp/files.py)."

    def add_arguments(self, parser):
        parser.add_argument("--delete-orphans", action="store_true",
                            help="Delete stored files no row names, if older than the limit.")
        parser.add_argument("--older-than-hours", type=float, default=24,
                            help="Only orphans at least this old are deleted (default 24).")

    def handle(self, *args, **options):
        report = check(delete_orphans=options["delete_orphans"],
                       older_than=dt.timedelta(hours=options["older_than_hours"]))
        for label, pk, name in report.missing:
            self.stdout.write(f"missing file: {label} {pk} names {name}, which is not stored")
        for name, modified in report.orphans:
            when = modified.isoformat(timespec="seconds") if modified else "unknown time"
            state = "deleted" if name in report.deleted else "kept"
            self.stdout.write(f"orphan file: {name} (modified {when}; {state})")
        self.stdout.write(
            f"{report.stored} stored files, {len(report.orphans)} orphans "
            f"({len(report.deleted)} deleted), {len(report.missing)} rows with a missing file.")
        if not report.clean:
            raise CommandError("The file store and the database disagree (see above).")
        self.stdout.write("Clean: every row's file is stored and every stored file is named.")
