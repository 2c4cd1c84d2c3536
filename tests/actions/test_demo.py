"""The demo plans: idempotent, live-looking (relative dates), every status, and no rule broken
(they are made through the services)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Evidence,
    OriginKind,
    ProgressUpdate,
    Rag,
    TargetDateChange,
)
from demo.actions import PLANS
from tests.demo_data import demo_loaded

pytestmark = pytest.mark.django_db


def snapshot():
    return (ActionPlan.objects.count(), Action.objects.count(), ProgressUpdate.objects.count(),
            Evidence.objects.count(), TargetDateChange.objects.count())


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for this module; every test here reads it."""
    with demo_loaded(django_db_blocker, tmp_path_factory.mktemp("media")):
        yield


def test_seed_twice_creates_no_duplicates():
    first = snapshot()
    assert first[1] > 0
    out = StringIO()
    call_command("seed_demo", stdout=out)  # the second run: rolled back after the test
    assert snapshot() == first
    assert "(0 new)" in out.getvalue()


def test_demo_covers_every_state():
    today = timezone.localdate()
    # Only this app's demo plans: reviews and audits seed plans of their own.
    mine = Action.objects.filter(plan__reference__in=[p.reference for p in PLANS])
    actions = list(mine.with_rag(today).select_related("lead_agency"))
    assert len(actions) == sum(len(p.actions) for p in PLANS)
    assert {a.status for a in actions} == set(ActionStatus.values)
    assert {a.current_rag for a in actions} == set(Rag.values)
    assert any(a.is_overdue(today) for a in actions)
    assert any(a.slippage_days() > 0 for a in actions)
    assert any(a.impact_evidence for a in actions if a.status == ActionStatus.SIGNED_OFF)
    assert TargetDateChange.objects.filter(action__in=mine, decision="pending").exists()
    assert Evidence.objects.filter(action__in=mine).exists()
    assert len({a.lead_agency.short_name for a in actions}) >= 8
    assert {OriginKind.OFSTED, OriginKind.SCRUTINY, OriginKind.YOUNG_PEOPLE} <= set(
        ActionPlan.objects.values_list("origin_kind", flat=True))
    assert mine.filter(themes__isnull=False).distinct().count() == len(actions)
    # Demo WMP people have something to do in two plans.
    assert mine.filter(lead_agency__short_name="WMP").values("plan").distinct().count() >= 2


def test_demo_impact_reviews_in_each_state():
    """demo.impact: every rating, the next review of "not yet", the follow-up of "not
    evident", due, overdue and not needed; and Early help recurs after its sign-offs."""
    import datetime as dt

    from actions.models import ImpactRating, ImpactReview
    from reports.selectors import recurrences
    from scsp.models import User

    today = timezone.localdate()
    ratings = {r.rating: r for r in ImpactRating.objects.select_related("review__action")}
    assert set(ratings) == {"evident", "partly", "not_yet", "not_evident"}
    assert ratings["not_yet"].next_review.due_on > today
    assert ratings["not_evident"].follow_up_action.status == ActionStatus.NOT_STARTED
    partly = ratings["partly"].review
    assert partly.evidence.get().before == "45%"
    assert Evidence.objects.filter(update__impact_evidence__review=partly).exists()
    due = ImpactReview.objects.filter(status="scheduled")
    assert due.filter(due_on__lt=today).exists() and due.filter(due_on__gte=today).exists()
    assert ImpactReview.objects.filter(status="not_needed").exclude(not_needed_reason="").exists()
    themes = set(ImpactRating.objects.values_list("review__action__themes__name", flat=True))
    assert {"Neglect", "Exploitation", "Early help"} <= themes
    chair = User.objects.get(role="chair")
    found = recurrences(chair, since=today - dt.timedelta(days=3 * 365), day=today,
                        at=timezone.now())
    assert "Early help" in {r.theme for r in found}
