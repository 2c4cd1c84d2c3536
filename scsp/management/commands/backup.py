"""``python manage.py backup [--output DIR]``: one archive of the database and every stored
file, with a checksum manifest; encrypted when BACKUP_ENCRYPTION_KEY is set (scsp/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scsp.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the stored files into one archive (see scsp/backup.py)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups",
                            help="Directory the archive is written to (default ./backups).")

    def handle(self, *args, **options):
        try:
            result = backup(Path(options["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backup written: {result.path} ({result.tables} tables, {result.files} files, "
            f"{'encrypted' if result.encrypted else 'NOT encrypted'}) in {result.seconds:.1f} s")
