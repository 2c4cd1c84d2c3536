"""Actions as they stood at a moment: the RAG rule pointed at the as-at columns gives the same
answer as ``Action.rag``; the history source takes the right version."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from actions.models import Action, ActionStatus, end_of_day
from reports import asat
from reports.asat import AsAt
from tests.actions.factories import ActionFactory, PlanFactory
from tests.reports.factories import at, travel

pytestmark = pytest.mark.django_db
D = dt.date
DAY = D(2025, 12, 31)

STATUSES = list(ActionStatus.values)
TARGETS = [DAY - dt.timedelta(days=1), DAY, DAY + dt.timedelta(days=27),
           DAY + dt.timedelta(days=28), DAY + dt.timedelta(days=29), DAY + dt.timedelta(days=90)]
UPDATES = [None, end_of_day(DAY) - dt.timedelta(weeks=4, seconds=1),
           end_of_day(DAY) - dt.timedelta(weeks=4), end_of_day(DAY) - dt.timedelta(days=3)]


def _extra(status):
    if status in (ActionStatus.AWAITING_SIGN_OFF, ActionStatus.SIGNED_OFF):
        return {"completion_evidence": "x", "completed_on": DAY}
    if status == ActionStatus.CLOSED_NOT_COMPLETED:
        return {"closed_reason": "x"}
    return {}


def test_the_rag_rule_at_a_moment_matches_action_rag_case_by_case(coordinator, wmp_officer):
    plan = PlanFactory(owner=coordinator)
    cases = list(itertools.product(STATUSES, TARGETS, UPDATES, [False, True], [False, True]))
    made = []
    for status, target, update, at_risk, blocked in cases:
        made.append(ActionFactory(plan=plan, lead_agency=wmp_officer.agency,
                                  lead_officer=wmp_officer, status=status, target_date=target,
                                  last_update_at=update, at_risk=at_risk, blocked=blocked,
                                  **_extra(status)))
    moment = AsAt(DAY, end_of_day(DAY), live=True)
    got = dict(asat.live_source().queryset.annotate(rag=asat.rag_at(moment))
               .values_list("pk", "rag"))
    wrong = [(a.status, a.target_date, a.last_update_at, a.at_risk, a.blocked)
             for a in made if got[a.pk] != a.rag(DAY)]
    assert not wrong, wrong
    assert len(set(got.values())) == 4  # every colour was exercised


def test_renaming_refuses_a_rule_that_reads_an_unknown_field(monkeypatch):
    def rule(today, now=None):
        return Case(When(Q(description="x"), then=Value("red")), default=Value("green"))

    monkeypatch.setattr(asat, "rag_expression", rule)
    with pytest.raises(ImproperlyConfigured):
        asat.rag_at(AsAt(DAY, end_of_day(DAY), live=False))


def test_the_history_source_takes_the_last_version_by_then(coordinator, wmp_officer):
    with travel(D(2025, 10, 1)):
        action = ActionFactory(lead_agency=wmp_officer.agency, lead_officer=wmp_officer,
                               target_date=D(2025, 12, 1))
    with travel(D(2025, 12, 31), hour=23):
        action = Action.objects.get(pk=action.pk)
        action.target_date = D(2026, 1, 10)
        action.save()
    with travel(D(2026, 1, 2)):
        action = Action.objects.get(pk=action.pk)
        action.target_date = D(2026, 5, 1)
        action.save()
    rows = dict(asat.history_source(at(D(2025, 12, 31), 23) + dt.timedelta(minutes=59))
                .queryset.annotate(t=asat.F("a_target")).values_list("a_action", "t"))
    assert rows == {action.pk: D(2026, 1, 10)}
    earlier = dict(asat.history_source(at(D(2025, 11, 1))).queryset
                   .annotate(t=asat.F("a_target")).values_list("a_action", "t"))
    assert earlier == {action.pk: D(2025, 12, 1)}
    assert not asat.history_source(at(D(2025, 9, 1))).queryset.exists()


def test_two_versions_saved_in_the_same_instant_are_ordered_by_their_id(wmp_officer):
    moment = at(D(2025, 10, 1))
    with travel(D(2025, 10, 1)):
        action = ActionFactory(lead_agency=wmp_officer.agency, lead_officer=wmp_officer)
        for status in (ActionStatus.IN_PROGRESS, ActionStatus.NOT_STARTED):
            action = Action.objects.get(pk=action.pk)
            action.status = status
            action.save()
    assert action.history.filter(history_date=moment).count() == 3
    statuses = list(asat.history_source(moment).queryset.values_list("a_status", flat=True))
    assert statuses == [ActionStatus.NOT_STARTED]


def test_an_action_deleted_by_then_is_left_out(wmp_officer):
    with travel(D(2025, 10, 1)):
        gone = ActionFactory(lead_agency=wmp_officer.agency, lead_officer=wmp_officer)
    with travel(D(2025, 11, 1)):
        gone.delete()
    assert asat.history_source(at(D(2025, 10, 15))).queryset.count() == 1
    assert asat.history_source(at(D(2025, 12, 1))).queryset.count() == 0


def test_a_running_period_is_read_live_and_a_finished_one_from_history():
    from reports.quarters import Quarter

    now = timezone.now()
    running = AsAt.for_period(Quarter.containing(timezone.localdate()),
                              today=timezone.localdate(), now=now)
    assert running.live and [s.kind for s in asat.sources(running)] == ["live"]
    done = AsAt.for_period(Quarter(2025, 3), today=timezone.localdate(), now=now)
    assert not done.live and done.day == DAY
    assert [s.kind for s in asat.sources(done)] == ["history", "dated"]
