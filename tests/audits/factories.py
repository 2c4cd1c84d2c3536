"""Factories and helpers for audit tests. Helpers go through the services, so the objects
they make are exactly what the app would make."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from audits import services
from audits.models import (
    AgencyReturn,
    Answer,
    AnswerChoice,
    Audit,
    AuditCase,
    AuditKind,
    AuditStatus,
    Question,
)
from scsp.models import Role
from tests.factories import AgencyFactory, UserFactory

TODAY = dt.date(2026, 11, 16)  # a Monday


class AuditFactory(DjangoModelFactory):
    """A bare audit row (no tool, no returns): for list and query-count tests."""

    class Meta:
        model = Audit

    reference = factory.Sequence(lambda n: f"MACFA-2026-{n + 100:03d}")
    kind = AuditKind.MACFA
    title = factory.Sequence(lambda n: f"Audit {n}")
    lead = factory.SubFactory(UserFactory, role=Role.COORDINATOR)
    created_by = factory.SelfAttribute("lead")
    planned_start = TODAY


class RotaSlotFactory(AuditFactory):
    reference = factory.Sequence(lambda n: f"SAA-2026-{n + 100:03d}")
    kind = AuditKind.SINGLE_AGENCY
    agency = factory.SubFactory(AgencyFactory)
    month_due = dt.date(2026, 11, 1)
    original_month_due = factory.SelfAttribute("month_due")


class AuditCaseFactory(DjangoModelFactory):
    class Meta:
        model = AuditCase

    audit = factory.SubFactory(AuditFactory)
    reference = factory.Sequence(lambda n: f"CASE-{n:03d}")


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    audit = factory.SubFactory(AuditFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}?")


class AgencyReturnFactory(DjangoModelFactory):
    class Meta:
        model = AgencyReturn

    audit = factory.SubFactory(AuditFactory)
    agency = factory.SubFactory(AgencyFactory)


def make_macfa(by, agencies, *, cases=("MACFA-T-01", "MACFA-T-02"), start=True,
               title="Responses to referrals from non-professionals", today=TODAY) -> Audit:
    """A MACFA made by the services, with the default seven questions; started unless
    ``start=False``."""
    audit = services.audit_create(
        by=by, kind=AuditKind.MACFA, title=title, lead=by, today=today,
        planned_start=today, agencies=agencies, case_references=cases,
    )
    if start:
        audit = services.audit_transition(by=by, audit=audit, to_status=AuditStatus.IN_PROGRESS,
                                          today=today)
    return audit


def answer_all(user, agency_return, grades, *, narrative="Records show a timely response."):
    """Answer every question for every case. ``grades`` is one grade for everything, or a dict
    ``{(case_reference, question_number): grade}`` in which a missing key means "Not
    applicable"."""
    audit = agency_return.audit
    questions = list(audit.questions.order_by("number"))
    for case in audit.cases.order_by("reference"):
        answers = {}
        for q in questions:
            grade = grades if isinstance(grades, str) else grades.get((case.reference, q.number))
            if grade:
                answers[q.pk] = {"answer": AnswerChoice.YES, "grade": grade,
                                 "narrative": narrative}
            else:
                answers[q.pk] = {"answer": AnswerChoice.NOT_APPLICABLE, "grade": "",
                                 "narrative": ""}
        services.return_save_case(by=user, agency_return=agency_return, case=case,
                                  answers=answers)
    agency_return.refresh_from_db()
    return agency_return


def submit(user, agency_return):
    return services.return_submit(by=user, agency_return=agency_return)


def return_of(audit, agency) -> AgencyReturn:
    return audit.returns.select_related("audit", "agency").get(agency=agency)


def answers_count(audit) -> int:
    return Answer.objects.filter(agency_return__audit=audit).count()
