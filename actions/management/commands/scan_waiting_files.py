"""``manage.py scan_waiting_files``: scan again the uploaded files held as "waiting for scan"
(what beat runs every few minutes), and say what happened."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from actions.services import files_rescan_waiting


class Command(BaseCommand):
    help = "Scan again the evidence and briefing files held because the virus scanner was down."

    def handle(self, *args, **options):
        result = files_rescan_waiting(now=timezone.now())
        self.stdout.write(
            f"{result.clean} clean, {result.infected} removed (virus found), "
            f"{result.still_waiting} still waiting")
        for removed in result.removed:
            self.stdout.write(f"removed: {removed}")
        if result.scanner_unavailable:
            self.stderr.write("The virus scanner is unavailable: the files stay held.")
            return
