"""Delete held files and kept drafts older than ``KEPT_WORK_MINUTES``; beat runs the same
nightly (``scsp.tasks.retention_task``)."""

from django.core.management.base import BaseCommand

from scsp.kept_work import purge


class Command(BaseCommand):
    help = "Delete files held after a form error, and forms kept after a session ended, once expired."

    def handle(self, *args, **options):
        files, drafts = purge()
        self.stdout.write(f"Deleted {files} held files and {drafts} kept forms.")
