"""Hand-counted worlds for the report tests.

Records are made at the time they happened (``time_machine``), so their change history is
dated as it would be in real use: a report for a finished quarter then reads them as they
stood at its end. Each builder's docstring lists what the quarter's figures must be, counted
by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import time_machine
from django.utils import timezone

from actions import services as action_services
from actions.models import Action, ActionStatus
from audits.models import AuditKind, AuditStatus
from reports.quarters import Quarter
from reviews import services as review_services
from reviews.models import RapidReviewDecision, ReferralDecision, StageKey
from tests.actions.factories import ActionFactory, PlanFactory
from tests.audits.factories import AuditFactory, RotaSlotFactory
from tests.reviews.factories import CAL, decided, notification, referral

D = dt.date
#: The quarter the worlds are built around: October to December 2025.
QUARTER = Quarter(2025, 3)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def travel(day: dt.date, hour: int = 10):
    """Be on ``day`` at ``hour`` (UK time) while records are made."""
    return time_machine.travel(at(day, hour), tick=False)


def fresh(action: Action) -> Action:
    return Action.objects.get(pk=action.pk)


@dataclass
class ActionWorld:
    plans: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)


def action_world(*, coordinator, wmp_officer, health_officer) -> ActionWorld:
    """Six actions in three plans, made before and during Q3 2025-26, and one after it.

    At the end of 31 December 2025, counted by hand:

    ======  =====  =======  =============================================  ======
    action  plan   agency   state then                                      RAG
    ======  =====  =======  =============================================  ======
    a1      P1     WMP      in progress, due 14 Nov 2025: overdue           red
    a2      P1     WMP      in progress, due 31 Mar 2026, updated 15 Oct    green
    a3      P1     SWBNHS   completed 20 Nov, signed off 10 Dec 2025        blue
    a4      P2     SWBNHS   in progress, due 29 Aug 2025: overdue > 3 mo.   red
    a5      P2     WMP      due 19 Dec moved to 23 Jan 2026 (35 days),      amber
                            no update for 4 weeks
    a6      P3     WMP      signed off 15 Sep 2025, impact evidenced        blue
    ======  =====  =======  =============================================  ======

    So: 6 actions, 4 open, 0 awaiting, 2 overdue, 1 by more than 3 months, 1 completed and
    1 signed off in the quarter, 1 with impact, 1 slipped (median 35 days); red 2, amber 1,
    green 1, blue 2. P3's only action was finished before the quarter, so P3 is left out.
    WMP: 4 owned, 3 open, 1 overdue, 0 over 3 months, 0 completed, 1 update, 1 impact.
    SWBNHS: 2 owned, 1 open, 1 overdue, 1 over 3 months, 1 completed, 1 update, 0 impact.
    a7 (P1, WMP) is made in January 2026 and is not in the quarter.
    """
    wmp = wmp_officer.agency
    w = ActionWorld()
    with travel(D(2025, 9, 1)):
        w.plans["P1"] = PlanFactory(reference="AP-T-1", title="Rapid Review T-1", owner=coordinator)
        w.plans["P2"] = PlanFactory(reference="AP-T-2", title="LCSPR T-2", owner=coordinator)
        w.plans["P3"] = PlanFactory(reference="AP-T-3", title="MACFA T-3", owner=coordinator)

        def make(name, plan, officer, target, **kw):
            w.actions[name] = ActionFactory(
                plan=w.plans[plan], lead_agency=officer.agency, lead_officer=officer,
                target_date=target, original_target_date=kw.pop("original", target), **kw)

        make("a1", "P1", wmp_officer, D(2025, 11, 14))
        make("a2", "P1", wmp_officer, D(2026, 3, 31))
        make("a3", "P1", health_officer, D(2025, 12, 15), status=ActionStatus.NOT_STARTED)
        make("a4", "P2", health_officer, D(2025, 8, 29))
        make("a5", "P2", wmp_officer, D(2025, 12, 19))
    with travel(D(2025, 9, 15)):
        make("a6", "P3", wmp_officer, D(2025, 9, 20), status=ActionStatus.SIGNED_OFF,
             completed_on=D(2025, 9, 10), signed_off_by=coordinator,
             impact_evidence="Audit shows the change embedded.")
    with travel(D(2025, 10, 15)):
        action_services.action_record_progress(
            by=wmp_officer, action=fresh(w.actions["a2"]), note="Half the teams trained.",
            today=D(2025, 10, 15))
    with travel(D(2025, 11, 3)):
        request = action_services.action_request_date_change(
            by=wmp_officer, action=fresh(w.actions["a5"]), new_date=D(2026, 1, 23),
            reason="Training venue cancelled.", today=D(2025, 11, 3))
    with travel(D(2025, 11, 5)):
        action_services.action_decide_date_change(by=coordinator, change=request, agree=True,
                                                  today=D(2025, 11, 5))
    with travel(D(2025, 11, 20)):
        action_services.action_record_progress(
            by=health_officer, action=fresh(w.actions["a3"]), note="Done.",
            today=D(2025, 11, 20), status=ActionStatus.AWAITING_SIGN_OFF,
            completion_evidence="Briefing log for every team.")
    with travel(D(2025, 12, 10)):
        action_services.action_sign_off(by=coordinator, action=fresh(w.actions["a3"]))
    with travel(D(2026, 1, 12)):
        w.actions["a7"] = ActionFactory(plan=w.plans["P1"], lead_agency=wmp,
                                        lead_officer=wmp_officer, target_date=D(2026, 4, 30))
    return w


def change_everything_later(w: ActionWorld, *, coordinator, wmp_officer, health_officer) -> None:
    """In January and February 2026, after the quarter: complete and sign off a1, give a2 to
    SWBNHS, close a4, move a5's date again, record a3's impact, and update a2."""
    with travel(D(2026, 1, 20)):
        action_services.action_record_progress(
            by=wmp_officer, action=fresh(w.actions["a1"]), note="Finished late.",
            today=D(2026, 1, 20), status=ActionStatus.AWAITING_SIGN_OFF,
            completion_evidence="Training records.")
        a2 = fresh(w.actions["a2"])
        action_services.action_update(
            by=coordinator, action=a2, description=a2.description,
            success_measure=a2.success_measure, lead_agency=health_officer.agency,
            lead_officer=health_officer)
        action_services.action_close(by=coordinator, action=fresh(w.actions["a4"]),
                                     reason="Superseded by the regional protocol.")
        request = action_services.action_request_date_change(
            by=wmp_officer, action=fresh(w.actions["a5"]), new_date=D(2026, 6, 30),
            reason="Waiting for the new system.", today=D(2026, 1, 20))
        action_services.action_record_impact(
            by=health_officer, action=fresh(w.actions["a3"]),
            impact_evidence="Families report being asked.")
    with travel(D(2026, 1, 21)):
        action_services.action_sign_off(by=coordinator, action=fresh(w.actions["a1"]))
        action_services.action_decide_date_change(by=coordinator, change=request, agree=True,
                                                  today=D(2026, 1, 21))
    with travel(D(2026, 2, 2)):
        action_services.action_record_progress(
            by=health_officer, action=fresh(w.actions["a2"]), note="Picked up by health.",
            today=D(2026, 2, 2), status=ActionStatus.AWAITING_SIGN_OFF,
            completion_evidence="All teams trained.")


# --- Reviews and audits ---------------------------------------------------------------------------


def set_stage(review, *, by, today, **actual):
    """Record the date done of stages, by key (``ratified=...``) or exact name; earlier
    stages not yet done are recorded as done on the first of those dates (stages are done in
    order)."""
    stages = list(review.stages.order_by("order", "id"))
    given = {i: actual.get(s.name, actual.get(s.key) if s.key else None)
             for i, s in enumerate(stages)}
    last = max(i for i, value in given.items() if value)
    first_date = min(value for value in given.values() if value)
    rows = []
    for i, stage in enumerate(stages):
        value = given[i] or stage.actual_date or (first_date if i < last else None)
        rows.append({"id": stage.pk, "name": stage.name, "planned_date": stage.planned_date,
                     "actual_date": value, "not_needed": stage.not_needed, "note": stage.note})
    review_services.review_set_stages(by=by, review=review, today=today, stages=rows)
    review.refresh_from_db()
    return review


@dataclass
class ReviewWorld:
    cases: dict = field(default_factory=dict)
    reviews: dict = field(default_factory=dict)


def review_world(*, coordinator, agencies) -> ReviewWorld:
    """Notifications, Rapid Reviews, an LCSPR, a Spotlight Review, referrals and audits around
    Q3 2025-26, each made when it happened.

    For Q3 2025-26 as at 31 December 2025, counted by hand:

    * Notifications: N1 (aware Mon 6 Oct, notified Wed 8 Oct: 2 working days, met) and N2
      (aware Mon 3 Nov, notified Fri 14 Nov: 9 working days, met late). So 2 notified, 1
      within 5 working days (50%). N3 (aware Mon 22 Dec) was not notified by 31 December
      (due Wed 31 Dec, the bank holidays skipped): waiting, not overdue. N0 (September) is
      in the previous quarter.
    * Rapid Reviews held: N1 (met 20 Oct, sent 24 Oct: met) and N2 (met 24 Nov, not sent
      by 31 Dec, due 25 Nov: overdue). So 2 held, 1 within 15, 1 late.
    * LCSPR from N1: decided 20 Oct (started in the quarter), ratified 10 Dec (ratified in
      the quarter), published only in February 2026: at 31 December it awaits publication.
    * Spotlight Review from referral R1 (received 10 Oct): decided 22 Oct, completed 12 Dec.
    * Referrals received: R1 (Spotlight), R2 (received 1 Dec, no further action decided only
      on 12 Jan 2026: awaiting at 31 December). So 2 received, 1 Spotlight, 1 awaiting.
    * Audits completed: a MACFA closed on 28 Nov, a rota slot presented on 5 Dec: 2. A rota
      slot due October 2025 was not presented: 1 late.
    """
    w = ReviewWorld()
    with travel(D(2025, 9, 24)):
        w.cases["N0"] = notification(by=coordinator, agencies=agencies, aware=D(2025, 9, 22),
                                     received=D(2025, 9, 22), notified=D(2025, 9, 24),
                                     incident=D(2025, 9, 20), today=D(2025, 9, 24),
                                     pseudonyms=("Child Z",))
    with travel(D(2025, 10, 8)):
        w.cases["N1"] = notification(by=coordinator, agencies=agencies, aware=D(2025, 10, 6),
                                     received=D(2025, 10, 7), notified=D(2025, 10, 8),
                                     incident=D(2025, 10, 5), today=D(2025, 10, 8),
                                     pseudonyms=("Child A",))
        w.cases["R1"] = referral(by=coordinator, agencies=agencies, referring_agency=agencies[0],
                                 received=D(2025, 10, 8), incident=D(2025, 10, 1),
                                 today=D(2025, 10, 8), pseudonyms=("Child B",))
    with travel(D(2025, 10, 20)):
        rr = decided(w.cases["N1"], by=coordinator, meeting=D(2025, 10, 20),
                     today=D(2025, 10, 20))
        w.reviews["lcspr"] = rr.practice_reviews.get()
    with travel(D(2025, 10, 22)):
        review_services.referral_decide(
            by=coordinator, case=w.cases["R1"], today=D(2025, 10, 22),
            decision=ReferralDecision.SPOTLIGHT, rationale="Learning below the threshold.",
            decided_on=D(2025, 10, 22), cal=CAL)
        w.reviews["spotlight"] = w.cases["R1"].practice_reviews.get()
    with travel(D(2025, 10, 24)):
        review_services.rr_record_panel(by=coordinator, rr=rr, today=D(2025, 10, 24),
                                        sent_to_panel_on=D(2025, 10, 24))
    with travel(D(2025, 11, 14)):
        w.cases["N2"] = notification(by=coordinator, agencies=agencies, aware=D(2025, 11, 3),
                                     received=D(2025, 11, 4), notified=D(2025, 11, 14),
                                     incident=D(2025, 11, 1), today=D(2025, 11, 14),
                                     late_reason="Waited for medical opinion.",
                                     pseudonyms=("Child C",))
    with travel(D(2025, 11, 24)):
        decided(w.cases["N2"], by=coordinator, meeting=D(2025, 11, 24), today=D(2025, 11, 24),
                decision=RapidReviewDecision.NO_FURTHER,
                rationale="The learning is captured in the Rapid Review.")
    with travel(D(2025, 12, 1)):
        w.cases["R2"] = referral(by=coordinator, agencies=agencies, referring_agency=agencies[0],
                                 received=D(2025, 12, 1), incident=D(2025, 11, 20),
                                 today=D(2025, 12, 1), pseudonyms=("Child D",))
    with travel(D(2025, 12, 10)):
        set_stage(w.reviews["lcspr"], by=coordinator, today=D(2025, 12, 10),
                  ratified=D(2025, 12, 10))
    with travel(D(2025, 12, 12)):
        set_stage(w.reviews["spotlight"], by=coordinator, today=D(2025, 12, 12),
                  completed=D(2025, 12, 12))
    with travel(D(2025, 12, 22)):
        w.cases["N3"] = notification(by=coordinator, agencies=agencies, aware=D(2025, 12, 22),
                                     received=D(2025, 12, 22), notified=None,
                                     incident=D(2025, 12, 21), today=D(2025, 12, 22),
                                     pseudonyms=("Child E",))
    with travel(D(2025, 12, 1)):
        AuditFactory(kind=AuditKind.MACFA, status=AuditStatus.CLOSED, lead=coordinator,
                     planned_start=D(2025, 9, 1), actual_start=D(2025, 9, 1),
                     actual_end=D(2025, 11, 28), reference="MACFA-2025-01")
        RotaSlotFactory(agency=agencies[0], month_due=D(2025, 12, 1),
                        date_presented=D(2025, 12, 5), status=AuditStatus.MODERATION,
                        lead=coordinator, reference="SAA-2025-01")
        RotaSlotFactory(agency=agencies[1], month_due=D(2025, 10, 1), lead=coordinator,
                        reference="SAA-2025-02")
    return w


def review_world_later(w: ReviewWorld, *, coordinator) -> None:
    """After the quarter: N3 notified, N2's Rapid Review sent, R2 decided, the LCSPR
    published."""
    with travel(D(2026, 1, 12)):
        case = w.cases["N3"]
        case.notification_submitted_on = D(2026, 1, 5)
        case.save()
        rr = w.cases["N2"].rapid_review
        review_services.rr_record_panel(by=coordinator, rr=rr, today=D(2026, 1, 12),
                                        sent_to_panel_on=D(2026, 1, 12))
        review_services.referral_decide(
            by=coordinator, case=w.cases["R2"], today=D(2026, 1, 12),
            decision=ReferralDecision.NO_FURTHER_ACTION, rationale="Learning in hand.",
            decided_on=D(2026, 1, 12), cal=CAL)
    with travel(D(2026, 2, 16)):
        review = w.reviews["lcspr"]
        set_stage(review, by=coordinator, today=D(2026, 2, 16),
                  **{StageKey.SENT_TO_PANEL: D(2026, 2, 2), StageKey.PUBLISHED: D(2026, 2, 16)})
