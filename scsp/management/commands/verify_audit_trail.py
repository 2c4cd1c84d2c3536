"""Check the access log's and the change history's hash chains (``scsp.audit.chain``): every
row against its seal and the row before it, and the chain's end against its head. Prints the
first row altered, inserted or deleted out of order in each chain and exits non-zero when
there is one. Needs the same ``AUDIT_CHAIN_KEY`` the rows were sealed with. Changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from scsp.audit.chain import CHAINS, verify
from scsp.models import RefusalBucket

NAMES = {"access": "Access log", "change": "Change history"}


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains; exit 1 when a row was tampered with."

    def add_arguments(self, parser):
        parser.add_argument("--chain", choices=CHAINS, action="append",
                            help="Check only this chain (default: both).")
        parser.add_argument("--all", action="store_true",
                            help="List every problem found, not only the first.")

    def handle(self, *args, **options):
        failed = False
        for chain in options["chain"] or CHAINS:
            report = verify(chain)
            if report.ok:
                self.stdout.write(f"{NAMES[chain]}: {report.rows} rows, chain intact.")
                continue
            failed = True
            total = len(report.problems) + report.more
            self.stdout.write(f"{NAMES[chain]}: {report.rows} rows, {total} problem"
                              f"{'s' if total != 1 else ''}. First: {report.problems[0]}")
            if options["all"]:
                for problem in report.problems[1:]:
                    self.stdout.write(f"  {problem}")
                if report.more:
                    self.stdout.write(f"  ... and {report.more} more")
        pending = RefusalBucket.objects.count()
        if pending:
            self.stdout.write(f"{pending} minute(s) of folded refusals are still being counted; "
                              "they join the chain within five minutes.")
        if failed:
            raise CommandError("The audit trail was tampered with: see above.", returncode=1)
