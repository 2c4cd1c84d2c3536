"""The demo audits: what the annual report describes, and idempotent."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from actions.models import Action
from audits.models import AgencyReturn, Audit, AuditKind, AuditStatus, Grade
from demo import audits as audits_demo
from demo import core as scsp_demo
from scsp.models import Agency, User

pytestmark = pytest.mark.django_db


class Command:
    def __init__(self):
        self.stdout = io.StringIO()


def seed_twice():
    command = Command()
    scsp_demo.seed(command)
    audits_demo.seed(command)
    counts = (Audit.objects.count(), AgencyReturn.objects.count(), Agency.objects.count(),
              User.objects.count(), Action.objects.count())
    audits_demo.seed(command)
    assert (Audit.objects.count(), AgencyReturn.objects.count(), Agency.objects.count(),
            User.objects.count(), Action.objects.count()) == counts
    return command


def test_demo_is_idempotent_and_tells_its_story():
    command = seed_twice()
    assert "rota slots" in command.stdout.getvalue()
    macfa = Audit.objects.get(title="Responses to referrals from non-professionals")
    assert macfa.kind == AuditKind.MACFA and macfa.status == AuditStatus.FINDINGS_AGREED
    assert "Arthur Labinjo-Hughes and Star Hobson" in macfa.description
    assert macfa.returns.filter(status="submitted").count() == 4
    assert macfa.cases.count() == 4 and macfa.questions.count() == 8
    assert all(r.submitted_at.date() < timezone.localdate() for r in macfa.returns.all())
    assert macfa.findings.filter(kind="strength").exists()
    assert macfa.findings.filter(kind="improvement").count() == 3
    sct = Agency.objects.get(short_name="SCT")
    assert Action.objects.filter(plan=macfa.action_plan, lead_agency=sct).count() == 2

    s11 = Audit.objects.get(kind=AuditKind.SECTION_11)
    assert s11.returns.filter(status="submitted").count() == 19
    grades = list(s11.returns.values_list("agreed_grade", flat=True))
    assert grades.count(Grade.GOOD) == 17
    assert s11.findings.filter(text__icontains="supervision").exists()

    s175 = Audit.objects.get(kind=AuditKind.SECTION_175)
    assert set(s175.returns.values_list("agency__kind", flat=True)) == {Agency.Kind.SCHOOL}

    today = timezone.localdate()
    assert Audit.objects.late(today).count() == 3
    assert Audit.objects.rota().filter(date_presented__isnull=False).count() == 4
    assert Audit.objects.get(title="Neglect: looking beyond home conditions").status == \
        AuditStatus.IN_PROGRESS
