"""The RAG rule (DOMAIN.md section 6), table-driven with an explicit ``today``, and the SQL
version of the same rule checked against it case by case."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from actions.models import RAG_RANK, Action, ActionStatus, Rag, end_of_day
from tests.actions.factories import ActionFactory

S = ActionStatus
TODAY = dt.date(2026, 3, 16)
NOW = end_of_day(TODAY)


def days(n):
    return TODAY + dt.timedelta(days=n)


def ago(n, hour=12):
    return timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=n), dt.time(hour)))


# (why, status, blocked, at_risk, target date, last update, expected)
CASES = [
    ("signed off is blue whatever the dates", S.SIGNED_OFF, False, False, days(-30), None,
     Rag.BLUE),
    ("signed off beats blocked", S.SIGNED_OFF, True, True, days(-1), None, Rag.BLUE),
    ("closed without completion is reported by status, not red",
     S.CLOSED_NOT_COMPLETED, False, False, days(-30), None, Rag.GREEN),
    ("overdue open action is red", S.IN_PROGRESS, False, False, days(-1), ago(1), Rag.RED),
    ("not started and overdue is red", S.NOT_STARTED, False, False, days(-10), None, Rag.RED),
    ("returned and overdue is red", S.RETURNED, False, False, days(-1), ago(1), Rag.RED),
    ("due today is not yet overdue", S.IN_PROGRESS, False, False, days(0), ago(1), Rag.GREEN),
    ("blocked is red even far from its date", S.IN_PROGRESS, True, False, days(200), ago(1),
     Rag.RED),
    ("blocked beats at risk", S.IN_PROGRESS, True, True, days(200), ago(1), Rag.RED),
    ("awaiting sign-off past its date is not overdue", S.AWAITING_SIGN_OFF, False, False,
     days(-5), None, Rag.GREEN),
    ("awaiting sign-off but still flagged blocked is red", S.AWAITING_SIGN_OFF, True, False,
     days(30), None, Rag.RED),
    ("awaiting sign-off ignores at risk", S.AWAITING_SIGN_OFF, False, True, days(10), None,
     Rag.GREEN),
    ("at risk (set by the owner) is amber", S.IN_PROGRESS, False, True, days(200), ago(1),
     Rag.AMBER),
    ("due within 4 weeks, no update for 4 weeks: amber", S.IN_PROGRESS, False, False, days(27),
     ago(29), Rag.AMBER),
    ("due within 4 weeks, never updated: amber", S.NOT_STARTED, False, False, days(10), None,
     Rag.AMBER),
    ("due in exactly 4 weeks counts as due soon", S.IN_PROGRESS, False, False, days(28),
     ago(40), Rag.AMBER),
    ("due in 4 weeks and a day is not due soon", S.IN_PROGRESS, False, False, days(29),
     ago(40), Rag.GREEN),
    ("due soon but updated recently: green", S.IN_PROGRESS, False, False, days(5), ago(3),
     Rag.GREEN),
    ("update exactly 4 weeks ago (same time of day) is not stale", S.IN_PROGRESS, False, False,
     days(5), NOW - dt.timedelta(weeks=4), Rag.GREEN),
    ("update a moment over 4 weeks ago is stale", S.IN_PROGRESS, False, False, days(5),
     NOW - dt.timedelta(weeks=4, seconds=1), Rag.AMBER),
    ("far off and never updated: green", S.NOT_STARTED, False, False, days(90), None,
     Rag.GREEN),
    ("returned, due soon, recent return but no update: amber", S.RETURNED, False, False,
     days(7), ago(35), Rag.AMBER),
]


@pytest.mark.parametrize(
    ("why", "status", "blocked", "at_risk", "target", "last_update", "expected"), CASES,
    ids=[c[0] for c in CASES],
)
def test_rag_rule(why, status, blocked, at_risk, target, last_update, expected):
    action = Action(status=status, blocked=blocked, at_risk=at_risk, target_date=target,
                    original_target_date=target, last_update_at=last_update)
    assert action.rag(TODAY) == expected, why


@pytest.mark.parametrize(
    ("why", "status", "blocked", "at_risk", "target", "last_update", "expected"), CASES,
    ids=[c[0] for c in CASES],
)
def test_sql_rag_agrees_on_each_case(db, why, status, blocked, at_risk, target, last_update,
                                     expected):
    # Completed in time (no later than its target date): completing late is LATE_CASES'.
    done = {"completed_on": min(target, TODAY)} if status in (S.AWAITING_SIGN_OFF,
                                                             S.SIGNED_OFF) else {}
    action = ActionFactory(status=status, blocked=blocked, at_risk=at_risk, target_date=target,
                           last_update_at=last_update, **done)
    annotated = Action.objects.with_rag(TODAY).get(pk=action.pk)
    assert annotated.current_rag == expected, why
    assert Action.objects.with_rag_in([expected], TODAY).filter(pk=action.pk).exists()


def test_sql_rag_agrees_with_python_on_every_combination(db):
    """Every status x flags x date x update-age combination, around each boundary."""
    targets = [days(n) for n in (-30, -1, 0, 1, 27, 28, 29, 120)]
    updates = [None, ago(0), ago(27), ago(28, hour=0), ago(28, hour=23), ago(29), ago(90)]
    template = ActionFactory(status=S.NOT_STARTED)
    rows = []
    for n, (status, blocked, at_risk, target, update) in enumerate(itertools.product(
            S.values, (False, True), (False, True), targets, updates), start=1):
        kwargs = {}
        if status in (S.AWAITING_SIGN_OFF, S.SIGNED_OFF):
            # Completed today: late for the targets before today, on time for the others.
            kwargs.update(completion_evidence="Evidence.", completed_on=TODAY)
        if status == S.SIGNED_OFF:
            kwargs.update(signed_off_by=template.created_by, signed_off_at=NOW)
        if status == S.CLOSED_NOT_COMPLETED:
            kwargs.update(closed_reason="Superseded.")
        rows.append(Action(
            plan=template.plan, number=10_000 + n, reference=f"RAG-{n}",
            description="d", success_measure="m", lead_agency=template.lead_agency,
            lead_officer=template.lead_officer, created_by=template.created_by,
            status=status, blocked=blocked, at_risk=at_risk, target_date=target,
            original_target_date=target, last_update_at=update, **kwargs))
    Action.objects.bulk_create(rows)
    checked = 0
    for action in Action.objects.filter(reference__startswith="RAG-").with_rag(TODAY):
        assert action.current_rag == action.rag(TODAY), (
            action.status, action.blocked, action.at_risk, action.target_date,
            action.last_update_at)
        assert action.rag_rank == RAG_RANK[action.current_rag]  # the sort key agrees
        checked += 1
    assert checked == len(rows) == 6 * 2 * 2 * 8 * 7
    # "Completed late": the SQL twin picks exactly the rows the property names.
    late = set(Action.objects.filter(reference__startswith="RAG-").completed_late()
               .values_list("pk", flat=True))
    everyone = Action.objects.filter(reference__startswith="RAG-")
    assert late == {a.pk for a in everyone if a.completed_late}
    assert late  # the combinations include late ones (completed today, target before)
    # And filtering by RAG partitions the same rows.
    by_filter = sum(
        Action.objects.filter(reference__startswith="RAG-").with_rag_in([r], TODAY).count()
        for r in Rag.values)
    assert by_filter == len(rows)


# (why, status, target date, completed on, expected): finishing late is not plain green.
LATE_CASES = [
    ("completed 12 days late, awaiting sign-off: amber", S.AWAITING_SIGN_OFF, days(-12),
     TODAY, Rag.AMBER),
    ("completed on its target date: green", S.AWAITING_SIGN_OFF, days(0), TODAY, Rag.GREEN),
    ("completed early, awaiting sign-off past the date: green", S.AWAITING_SIGN_OFF, days(-5),
     days(-6), Rag.GREEN),
    ("signed off after finishing late stays blue", S.SIGNED_OFF, days(-12), TODAY, Rag.BLUE),
    ("signed off on time: blue", S.SIGNED_OFF, days(0), days(-1), Rag.BLUE),
    ("completed a day late: amber", S.AWAITING_SIGN_OFF, days(-1), TODAY, Rag.AMBER),
]


@pytest.mark.parametrize(("why", "status", "target", "completed", "expected"), LATE_CASES,
                         ids=[c[0] for c in LATE_CASES])
def test_completed_late_in_python_and_sql(db, why, status, target, completed, expected):
    kwargs = {"signed_off_at": NOW} if status == S.SIGNED_OFF else {}
    action = ActionFactory(status=status, target_date=target, completed_on=completed,
                           last_update_at=ago(1), **kwargs)
    assert action.rag(TODAY) == expected, why
    annotated = Action.objects.with_rag(TODAY).get(pk=action.pk)
    assert annotated.current_rag == expected, why
    # "Completed late" is its own fact, the same in Python and SQL, whatever the colour.
    late = completed > target
    assert action.completed_late is late
    assert Action.objects.completed_late().filter(pk=action.pk).exists() is late
    assert action.days_late == ((completed - target).days if late else 0)
    if expected == Rag.AMBER:
        assert action.rag_explained(TODAY)[1] == "Completed late, awaiting sign-off"
    if status == S.SIGNED_OFF:
        assert action.rag_explained(TODAY)[1] == (
            "Signed off, completed late" if late else "Signed off")


def test_rag_rank_sorts_most_worrying_first(db):
    red = ActionFactory(blocked=True)
    blue = ActionFactory(status=S.SIGNED_OFF)
    amber = ActionFactory(at_risk=True)
    green = ActionFactory(target_date=days(300), last_update_at=NOW)
    ordered = list(Action.objects.with_rag(TODAY).order_by("rag_rank").values_list("pk",
                                                                                  flat=True))
    assert ordered == [red.pk, amber.pk, green.pk, blue.pk]
