"""factory_boy factories for action plans. They write rows directly (fast, any state) but
keep the model's invariants: the lead officer works for the lead agency, completed actions
have evidence, signed-off ones a signer."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Evidence,
    OriginKind,
    ProgressUpdate,
    Recommendation,
    TargetDateChange,
)
from scsp.models import Role
from tests.factories import AgencyFactory, UserFactory

TODAY = dt.date(2026, 11, 16)  # a Monday; tests that care about dates pass their own


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = ActionPlan

    reference = factory.Sequence(lambda n: f"AP-2026-{n + 100:03d}")
    title = factory.Sequence(lambda n: f"Rapid Review {n}: learning for the partnership")
    origin_kind = OriginKind.RAPID_REVIEW
    owner = factory.SubFactory(UserFactory, role=Role.COORDINATOR)


class RecommendationFactory(DjangoModelFactory):
    class Meta:
        model = Recommendation

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Agencies should share information about fathers and male carers."


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda a: f"{a.plan.reference}-{a.number:02d}")
    title = factory.Sequence(lambda n: f"Brief teams on the learning ({n})")
    description = factory.Sequence(lambda n: f"Brief every team on the learning ({n}).")
    success_measure = "90% of staff briefed; dip sample of 20 records shows the change."
    lead_agency = factory.SubFactory(AgencyFactory)
    lead_officer = factory.LazyAttribute(
        lambda a: UserFactory(agency=a.lead_agency, role=Role.AGENCY_OFFICER))
    target_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    original_target_date = factory.LazyAttribute(lambda a: a.target_date)
    created_by = factory.LazyAttribute(lambda a: a.plan.owner)
    status = ActionStatus.IN_PROGRESS
    last_update_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        status = kwargs.get("status")
        if status in (ActionStatus.AWAITING_SIGN_OFF, ActionStatus.SIGNED_OFF):
            kwargs.setdefault("completion_evidence", "Briefing log attached.")
            kwargs.setdefault("completed_on", timezone.localdate())
        if status == ActionStatus.SIGNED_OFF:
            if not kwargs.get("signed_off_by"):
                kwargs["signed_off_by"] = kwargs["plan"].owner
            kwargs.setdefault("signed_off_at", timezone.now())
        if status == ActionStatus.CLOSED_NOT_COMPLETED:
            kwargs.setdefault("closed_reason", "Superseded by the regional strategy.")
        return kwargs


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    author = factory.LazyAttribute(lambda u: u.action.lead_officer)
    note = "Half the teams briefed."


class TargetDateChangeFactory(DjangoModelFactory):
    class Meta:
        model = TargetDateChange

    action = factory.SubFactory(ActionFactory)
    requested_by = factory.LazyAttribute(lambda c: c.action.lead_officer)
    old_date = factory.LazyAttribute(lambda c: c.action.target_date)
    new_date = factory.LazyAttribute(lambda c: c.action.target_date + dt.timedelta(days=30))
    reason = "Staff shortages in the team."


class EvidenceFactory(DjangoModelFactory):
    class Meta:
        model = Evidence

    action = factory.SubFactory(ActionFactory)
    file = factory.django.FileField(filename="evidence.pdf", data=b"%PDF-1.4\n% test\n")
    original_name = "Briefing log.pdf"
    content_type = "application/pdf"
    size = 16
    sha256 = "0" * 64
    uploaded_by = factory.LazyAttribute(lambda e: e.action.lead_officer)
    scan_status = "clean"
