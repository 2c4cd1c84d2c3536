"""Print the role table (``scsp.permissions.ROLE_TABLE``) as the Markdown the README's
"Who sees what" holds between its ``role-table`` markers: after changing the table, run this
and paste the output there (``tests/scsp/test_role_table.py`` fails until the two agree)."""

from django.core.management.base import BaseCommand
from django.utils import translation

from scsp.permissions import role_table_markdown


class Command(BaseCommand):
    help = "Print who may take which step (the role table) as a Markdown table for the README."

    def handle(self, *args, **options):
        with translation.override("en-gb"):
            self.stdout.write(role_table_markdown(), ending="")
