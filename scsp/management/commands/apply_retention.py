"""Remove what is past its retention period, as beat does nightly (``retention_task``):
access events, sign-in records, report files and any registered kind, keeping everything
about a case on legal hold. What was removed is recorded in the access log."""

from django.core.management.base import BaseCommand

from scsp.audit import retention


class Command(BaseCommand):
    help = "Remove records past their retention period (README, Retention)."

    def handle(self, *args, **options):
        removed = retention.run()
        for purge in retention.purges():
            if purge.purge is None:
                self.stdout.write(f"{purge.name}: nothing registered yet ({purge.setting})")
        for name, count in removed.items():
            self.stdout.write(f"{name}: {count} removed")
