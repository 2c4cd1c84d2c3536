"""Audit models: scoping querysets, rota state, grade cells and the database's own rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from audits.models import (
    AgencyReturn,
    Answer,
    Audit,
    AuditCase,
    AuditStatus,
    ModerationGrade,
    Question,
)
from audits.selectors import GradeCell
from tests.audits.factories import (
    AgencyReturnFactory,
    AuditCaseFactory,
    AuditFactory,
    QuestionFactory,
    RotaSlotFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


# --- who sees what ---------------------------------------------------------------------------

@pytest.fixture
def audits(coordinator, wmp, swbnhs, sct):
    both = AuditFactory(lead=coordinator, status=AuditStatus.IN_PROGRESS)
    AgencyReturnFactory(audit=both, agency=wmp)
    AgencyReturnFactory(audit=both, agency=swbnhs)
    trust_only = AuditFactory(lead=coordinator)
    AgencyReturnFactory(audit=trust_only, agency=sct)
    wmp_slot = RotaSlotFactory(lead=coordinator, agency=wmp)
    return {"both": both, "trust_only": trust_only, "wmp_slot": wmp_slot}


@pytest.mark.parametrize(("persona", "expected"), [
    ("coordinator", {"both", "trust_only", "wmp_slot"}),
    ("chair", {"both", "trust_only", "wmp_slot"}),
    ("scrutineer", {"both", "trust_only", "wmp_slot"}),
    ("wmp_lead", {"both", "wmp_slot"}),
    ("wmp_officer", {"both", "wmp_slot"}),
    ("health_officer", {"both"}),
])
def test_audits_visible_to(request, audits, persona, expected):
    user = request.getfixturevalue(persona)
    names = {name for name, audit in audits.items()
             if Audit.objects.visible_to(user).filter(pk=audit.pk).exists()}
    assert names == expected
    # no duplicates from the two ways in (a return and a rota slot)
    assert Audit.objects.visible_to(user).count() == len(expected)


@pytest.mark.parametrize(("persona", "editable"), [
    ("coordinator", True), ("chair", False), ("scrutineer", False), ("wmp_lead", False),
    ("wmp_officer", False), ("health_officer", False),
])
def test_only_the_coordinator_edits_audits(request, audits, persona, editable):
    user = request.getfixturevalue(persona)
    assert Audit.objects.editable_by(user).filter(pk=audits["both"].pk).exists() is editable


def test_returns_are_private_until_moderation(audits, wmp, swbnhs, wmp_officer,
                                              health_officer, scrutineer, coordinator):
    audit = audits["both"]
    wmp_return = audit.returns.get(agency=wmp)
    health_return = audit.returns.get(agency=swbnhs)
    assert set(AgencyReturn.objects.visible_to(wmp_officer)) == {wmp_return}
    assert set(AgencyReturn.objects.visible_to(scrutineer)) == set(AgencyReturn.objects.all())
    audit.status = AuditStatus.MODERATION
    audit.save()
    assert set(AgencyReturn.objects.visible_to(wmp_officer)) == {wmp_return, health_return}
    # the Trust's return in an audit WMP is not part of stays hidden
    assert not AgencyReturn.objects.visible_to(wmp_officer).filter(
        agency__short_name="SCT").exists()
    assert set(AgencyReturn.objects.editable_by(wmp_officer)) == {wmp_return}
    assert set(AgencyReturn.objects.editable_by(health_officer)) == {health_return}
    assert not AgencyReturn.objects.editable_by(coordinator).exists()
    assert not AgencyReturn.objects.editable_by(scrutineer).exists()


def test_inactive_and_anonymous_see_nothing(audits, wmp_officer):
    from django.contrib.auth.models import AnonymousUser

    assert not Audit.objects.visible_to(AnonymousUser()).exists()
    wmp_officer.is_active = False
    assert not Audit.objects.visible_to(wmp_officer).exists()
    assert not AgencyReturn.objects.editable_by(wmp_officer).exists()


# --- rota ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("month_due", "presented", "status", "state", "months_late"), [
    (D(2026, 8, 1), None, AuditStatus.PLANNED, "late", 3),
    (D(2026, 10, 1), None, AuditStatus.IN_PROGRESS, "late", 1),
    (D(2026, 11, 1), None, AuditStatus.PLANNED, "due", 0),
    (D(2026, 12, 1), None, AuditStatus.PLANNED, "upcoming", 0),
    (D(2026, 8, 1), D(2026, 9, 14), AuditStatus.MODERATION, "presented", 0),
    (D(2026, 8, 1), None, AuditStatus.CLOSED, "presented", 0),
])
def test_rota_state(coordinator, month_due, presented, status, state, months_late):
    today = D(2026, 11, 16)
    slot = RotaSlotFactory(lead=coordinator, month_due=month_due, date_presented=presented,
                           status=status)
    assert slot.rota_state(today) == state
    assert slot.months_late(today) == months_late
    assert (slot in Audit.objects.late(today)) is (state == "late")


def test_a_slot_due_on_the_last_day_of_its_month_is_not_late_yet(coordinator):
    slot = RotaSlotFactory(lead=coordinator, month_due=D(2026, 11, 1))
    assert slot.rota_state(D(2026, 11, 30)) == "due"
    assert slot.rota_state(D(2026, 12, 1)) == "late"


# --- grade cells -----------------------------------------------------------------------------

@pytest.mark.parametrize(("counts", "typical"), [
    ({}, ""),
    ({"good": 2, "outstanding": 1}, "good"),
    ({"good": 1, "outstanding": 1}, "good"),
    ({"good": 2, "requires_improvement": 2}, "requires_improvement"),
    ({"inadequate": 1, "outstanding": 1, "good": 1}, "inadequate"),
])
def test_typical_grade_is_the_most_frequent_and_ties_go_to_the_worse(counts, typical):
    cell = GradeCell()
    for grade, n in counts.items():
        cell.add(grade, n)
    assert cell.typical == typical


# --- the database's own rules ----------------------------------------------------------------

def _fails(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_constraints_hold_when_forms_and_services_are_bypassed(coordinator, wmp):
    audit = AuditFactory(lead=coordinator)
    _fails(lambda: Audit.objects.filter(pk=audit.pk).update(status="done"))
    _fails(lambda: Audit.objects.filter(pk=audit.pk).update(kind="ofsted"))
    _fails(lambda: Audit.objects.filter(pk=audit.pk).update(planned_start=D(2026, 5, 2),
                                                            planned_end=D(2026, 5, 1)))
    _fails(lambda: Audit.objects.filter(pk=audit.pk).update(agency=wmp))  # not a rota slot
    _fails(lambda: RotaSlotFactory(lead=coordinator, agency=None))
    _fails(lambda: RotaSlotFactory(lead=coordinator, month_due=None))
    r = AgencyReturnFactory(audit=audit, agency=wmp)
    _fails(lambda: AgencyReturn.objects.create(audit=audit, agency=wmp))
    _fails(lambda: AgencyReturn.objects.filter(pk=r.pk).update(status="submitted"))
    _fails(lambda: AgencyReturn.objects.filter(pk=r.pk).update(agreed_grade="excellent"))
    case = AuditCaseFactory(audit=audit, reference="C-1")
    _fails(lambda: AuditCase.objects.create(audit=audit, reference="C-1"))
    q = QuestionFactory(audit=audit, number=1)
    _fails(lambda: Question.objects.create(audit=audit, number=1, text="again"))
    _fails(lambda: Answer.objects.create(agency_return=r, case=case, question=q, answer="na",
                                         grade="good"))
    _fails(lambda: Answer.objects.create(agency_return=r, case=case, question=q,
                                         answer="maybe"))
    Answer.objects.create(agency_return=r, case=case, question=q, answer="yes", grade="good")
    _fails(lambda: Answer.objects.create(agency_return=r, case=case, question=q, answer="no"))
    _fails(lambda: ModerationGrade.objects.create(case=case, question=q, grade=""))


def test_an_audit_with_a_plan_cannot_lose_it(coordinator):
    from actions.models import ActionPlan

    plan = ActionPlan.objects.create(reference="AP-T-1", title="t", origin_kind="macfa",
                                     owner=coordinator)
    AuditFactory(lead=coordinator, action_plan=plan)
    _fails(plan.delete)


@pytest.mark.parametrize(("kind", "start", "due"), [
    ("section_11", D(2026, 1, 31), D(2028, 1, 31)),
    ("section_175", D(2024, 2, 29), D(2025, 2, 28)),
    ("macfa", D(2026, 1, 31), None),
])
def test_self_assessment_rounds_recur(coordinator, kind, start, due):
    audit = AuditFactory(lead=coordinator, kind=kind, planned_start=start)
    assert audit.next_round_due() == due
