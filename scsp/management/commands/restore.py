"""``python manage.py restore ARCHIVE``: restore a backup into an empty database and an empty
file store (refuses anything else), then check every row count and checksum (scsp/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scsp.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and store (see scsp/backup.py)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive `manage.py backup` wrote.")

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        try:
            result = restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {archive}: {result.tables} tables and {result.files} files, row counts "
            f"and checksums verified, in {result.seconds:.1f} s")
