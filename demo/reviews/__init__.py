"""Demo reviews: Sandwell's 2022-23 cases from its annual report, with their real outcomes, and
a handful of open cases whose clocks are live (dates relative to today).

From the report's "Sandwell Learning from Practice Reviews Subgroup" section, April 2022 to
March 2023 has exactly:

* 3 serious incident notifications (Child 1, Child 2, Child 3), each with a Rapid Review;
* 2 LCSPRs: Child 1 (panel met on day 10; ratified February 2023 and embargoed by parallel
  proceedings) and Child 3 (panel met on day 9; a thematic LCSPR with an earlier case, still in
  progress at 31 March 2023);
* 1 Tabletop Review (Child 2, held January 2023);
* 1 Spotlight Review completed (referred in 2021-22) and 4 further referrals: 1 no further
  action and 3 learning briefings.

Dates the report does not give are chosen to fit what it says. Everything is made through the
services, so the demo obeys the same rules as people do. Idempotent: a case whose reference
exists is left alone.
"""

from __future__ import annotations

from django.utils import timezone

from demo.reviews import annual_report, live
from demo.reviews.builder import Demo
from reviews.models import Case


def seed(command) -> None:
    """Load the demo reviews (idempotent: existing case references are left alone)."""
    d = Demo(timezone.localdate())
    annual_report.spotlight_referral_2021_22(d)
    annual_report.thematic_earlier_case(d)
    annual_report.child_1(d)
    annual_report.referrals_2022_23(d)
    annual_report.child_2(d)
    annual_report.child_3(d)
    live.live_cases(d)
    command.stdout.write(
        f"Reviews: {Case.objects.count()} cases"
        + (f" ({len(d.made)} new)" if d.made else " (none new)") + "."
    )
