"""Builders for review records. They go through the services, so every record a test uses
was made by the same rules as in production (references, Rapid Reviews, plans, stages)."""

from __future__ import annotations

import datetime as dt

from reviews import services
from reviews.models import IncidentType, RapidReviewDecision, Route
from scsp.workdays import WorkingCalendar

CAL = WorkingCalendar()
D = dt.date
# Child 1's dates (annual report 2022-23): the defaults of the builders below.
INCIDENT, AWARE, RECEIVED, NOTIFIED = D(2022, 4, 10), D(2022, 4, 11), D(2022, 4, 12), D(2022, 4, 13)
MEETING, TODAY = D(2022, 4, 28), D(2022, 6, 30)


def notification(*, by, agencies, pseudonyms=("Child 1",), aware=AWARE, received=RECEIVED,
                 notified=NOTIFIED, incident=INCIDENT, today=TODAY,
                 outline="A young person was seriously assaulted.", themes=(), harms=("physical",),
                 late_reason="", **kwargs):
    """A serious incident notification (and so its Rapid Review)."""
    return services.case_create(
        by=by, route=Route.NOTIFICATION, today=today, cal=CAL, incident_date=incident,
        became_aware_on=aware, notification_submitted_on=notified, referral_received_on=received,
        incident_type=kwargs.pop("incident_type", IncidentType.SERIOUS_HARM),
        case_outline=outline, agencies_involved=list(agencies),
        children=[{"pseudonym": p} for p in pseudonyms], harm_categories=harms,
        themes=themes, late_notification_reason=late_reason, **kwargs,
    )


REFERRAL_RECEIVED, REFERRAL_INCIDENT = D(2022, 6, 1), D(2022, 5, 20)


def referral(*, by, agencies, referring_agency=None, pseudonyms=("Child R",),
             received=REFERRAL_RECEIVED, incident=REFERRAL_INCIDENT, today=TODAY,
             outline="Neglect over a long period; several agencies involved.", **kwargs):
    return services.case_create(
        by=by, route=Route.REFERRAL, today=today, cal=CAL, incident_date=incident,
        referral_received_on=received, incident_type=IncidentType.OTHER,
        case_outline=outline, agencies_involved=list(agencies),
        children=[{"pseudonym": p} for p in pseudonyms], referring_agency=referring_agency,
        referral_reason=kwargs.pop("referral_reason", "Learning about neglect."), **kwargs,
    )


def decided(case, *, by, meeting=MEETING, decision=RapidReviewDecision.LCSPR,
            local_route="", today=TODAY, rationale="Criteria for an LCSPR are met."):
    """Hold the panel meeting and record the decision. Returns the Rapid Review."""
    rr = case.rapid_review
    services.rr_update(by=by, rr=rr, today=today, meeting_date=meeting,
                       facts_and_chronology="Known to several agencies.")
    services.rr_decide(by=by, rr=rr, today=today, decision=decision, local_route=local_route,
                       rationale=rationale, decided_on=meeting, cal=CAL)
    rr.refresh_from_db()
    return rr
