"""Reading agency summaries: each agency's state against the due date, the combined
chronology, and who reads a Rapid Review's full record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reviews import clocks
from reviews.models import AgencySummary, ChronologyEntry, RapidReview, SummaryStatus
from scsp.permissions import Ability, NotForYourRole, may, scoped
from scsp.workdays import WorkingCalendar


def summary_queryset():
    return AgencySummary.objects.select_related("rapid_review__case", "agency", "writer",
                                                "submitted_by")


def require_full_record(user, rr) -> None:
    """The full Rapid Review and its minutes are for the partnership-wide roles and the
    safeguarding leads of the agencies on its panel (``RapidReview.objects.full_record_for``);
    other agency staff who can see the case read its summary there."""
    if not RapidReview.objects.full_record_for(user).filter(pk=rr.pk).exists():
        raise NotForYourRole(_(
            "The full Rapid Review and its minutes are for the business unit, the chair, the "
            "scrutineer and the safeguarding leads of the agencies on its panel. The case page "
            "shows its summary, and your agency's own summary is open to you."))


def can_write(user, summary) -> bool:
    return may(user, Ability.WRITE_AGENCY_SUMMARIES) and scoped(
        AgencySummary.objects.filter(pk=summary.pk), user, edit=True).exists()


@dataclass
class SummaryRow:
    summary: AgencySummary
    state: str
    badge: str
    late: bool
    due_day: int | None
    readable: bool


def summary_rows(rr, user, *, today: dt.date, cal: WorkingCalendar) -> list[SummaryRow]:
    """Each asked agency's summary (``rr.agency_summaries`` prefetched with their agency):
    its state against its due date and whether ``user`` may open it."""
    summaries = list(rr.agency_summaries.all())
    if not summaries:
        return []
    readable = set(scoped(AgencySummary.objects.filter(rapid_review=rr), user)
                   .values_list("pk", flat=True))
    return [SummaryRow(summary=s, state=s.state_label(today), badge=s.state_badge(today),
                       late=s.is_late(today),
                       due_day=clocks.rapid_review_day(rr.case, s.due_on, cal),
                       readable=s.pk in readable) for s in summaries]


def combined_chronology(rr, user) -> list[ChronologyEntry]:
    """Every entry of the submitted summaries ``user`` may read, in date order, each with its
    summary's agency (``entry.summary.agency``)."""
    summaries = scoped(AgencySummary.objects.filter(rapid_review=rr,
                                                    status=SummaryStatus.SUBMITTED), user)
    return list(ChronologyEntry.objects.filter(summary__in=summaries)
                .select_related("summary__agency")
                .order_by("happened_on", "summary__agency__name", "id"))


def home_panel(request):
    """The home-page panel (``scsp.dashboard``) of the agency summaries the person is to write:
    their agency's open ones for a lead, the ones delegated to them for an officer. One query;
    nothing shown when there are none."""
    user = request.user
    if not may(user, Ability.WRITE_AGENCY_SUMMARIES):
        return None
    summaries = list(scoped(AgencySummary, user, edit=True)
                     .filter(rapid_review__sent_to_panel_on__isnull=True)
                     .select_related("rapid_review__case", "agency")
                     .order_by("due_on", "pk")[:20])
    if not summaries:
        return None
    from django.utils import timezone

    today = timezone.localdate()
    return "reviews/summaries/home_panel.html", {
        "rows": [(s, s.state_label(today), s.state_badge(today)) for s in summaries]}
