"""Demo reports: the chair's commentary on the last quarter of 2022-23, as the board would have
read it beside the figures the annual report gives. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from demo.core import demo_email
from reports import services
from reports.models import QuarterCommentary
from reports.quarters import Quarter
from scsp.models import User

COMMENTARY = (
    "Child 1's LCSPR was ratified in February and stays embargoed while the criminal trial "
    "runs; the business unit reviews the embargo monthly.\n\n"
    "Child 3's thematic review of persistent neglect is on track for completion next winter, "
    "with two agency reports still to come.\n\n"
    "The Tabletop Review for Child 2 was held in January. The board is asked to note the "
    "learning for midwifery and health visiting, and to seek assurance from the Trust that "
    "interpreters are used at every contact."
)


def seed(command) -> None:
    quarter = Quarter(2022, 4)
    if QuarterCommentary.objects.filter(year=quarter.year, quarter=quarter.number).exists():
        return
    chair = User.objects.filter(email=demo_email("chair")).first()
    if chair is None:
        return
    services.commentary_save(by=chair, quarter=quarter, text=COMMENTARY,
                             now=timezone.make_aware(dt.datetime.combine(dt.date(2023, 4, 20), dt.time(17))))
    command.stdout.write(f"Reports: the chair's commentary on {quarter.label}.")
