"""Run the reminder sweep now, without Redis: the same service the Celery beat task runs."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actions.reminders import run_sweep


class Command(BaseCommand):
    help = "Send today's reminder digests (or those of --date). --dry-run changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to run for, YYYY-MM-DD (default: today).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Print who would get what; send and record nothing.")

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from exc
        result = run_sweep(today=today, dry_run=dry_run)
        if not result.working_day:
            self.stdout.write(f"{today:%A %-d %B %Y} is not a working day: nothing to send.")
            return
        verb = "Would send" if dry_run else "Prepared"
        self.stdout.write(f"{verb} {len(result.drafts)} message(s) for {today:%A %-d %B %Y}:")
        for draft in result.drafts:
            self.stdout.write(f"  {draft.recipient.email:<34} {draft.kind:<15} "
                              f"{draft.item_count:>3} item(s)  {draft.subject}")
        if not dry_run:
            self.stdout.write(
                f"Sent {result.sent}, already sent or being sent {result.skipped}, "
                f"failed {result.failed} (will be retried); queued notices sent "
                f"{result.notices_sent}.")
