"""An audit's reference takes its year from its planned start (a rota slot's: its month
due). When that date moves into another year the audit is renumbered there; the old
reference stays in its history and "Find by reference" still reaches it, for those who may
see it; the plan made from its findings names the new reference."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from actions.models import ActionPlan
from audits import services
from audits.models import Audit, AuditKind
from scsp.find import find
from tests.audits.factories import TODAY

pytestmark = pytest.mark.django_db
MACFA = AuditKind.MACFA


def macfa(coordinator, start, title="Fathers"):
    return services.audit_create(by=coordinator, kind=MACFA, title=title, lead=coordinator,
                                 today=TODAY, planned_start=start)


def update(coordinator, audit, **changes):
    values = {"title": audit.title, "lead": coordinator, "planned_start": audit.planned_start,
              "month_due": audit.month_due, **changes}
    return services.audit_update(by=coordinator, audit=Audit.objects.get(pk=audit.pk),
                                 **values)


def test_a_planned_start_moved_into_another_year_renumbers_the_audit(coordinator):
    audit = macfa(coordinator, dt.date(2026, 11, 2))
    macfa(coordinator, dt.date(2027, 1, 11), title="Already in 2027")  # MACFA-2027-01
    assert audit.reference == "MACFA-2026-01"
    plan = ActionPlan.objects.create(reference="AP-2026-901", title="From the audit",
                                     origin_kind=MACFA, origin_reference=audit.reference,
                                     owner=coordinator)
    Audit.objects.filter(pk=audit.pk).update(action_plan=plan)

    moved = update(coordinator, audit, planned_start=dt.date(2027, 2, 1))
    assert moved.reference == "MACFA-2027-02"
    assert Audit.objects.get(pk=audit.pk).reference == "MACFA-2027-02"
    assert ActionPlan.objects.get(pk=plan.pk).origin_reference == "MACFA-2027-02"
    # The old reference stays in the audit's history.
    assert list(dict.fromkeys(Audit.history.filter(id=audit.pk).order_by("history_date")
                              .values_list("reference", flat=True))) == [
        "MACFA-2026-01", "MACFA-2027-02"]


def test_a_move_within_the_year_or_a_cleared_date_keeps_the_reference(coordinator):
    audit = macfa(coordinator, dt.date(2026, 3, 2))
    assert update(coordinator, audit, planned_start=dt.date(2026, 12, 31)).reference == (
        "MACFA-2026-01")
    assert update(coordinator, audit, planned_start=None).reference == "MACFA-2026-01"


def test_a_rota_slot_moved_into_the_next_year_is_renumbered(coordinator, wmp):
    slot = services.audit_create(by=coordinator, kind=AuditKind.SINGLE_AGENCY, title="Topic",
                                 lead=coordinator, today=TODAY, agency=wmp,
                                 month_due=dt.date(2026, 12, 1))
    assert slot.reference == "SAA-2026-01"
    moved = update(coordinator, slot, month_due=dt.date(2027, 1, 1),
                   reschedule_reason="Agreed at QPPA.")
    assert moved.reference == "SAA-2027-01"


def test_the_old_reference_still_finds_the_audit_for_those_who_may_see_it(
        coordinator, wmp_officer):
    audit = macfa(coordinator, dt.date(2026, 11, 2))
    update(coordinator, audit, planned_start=dt.date(2027, 2, 1))
    url = reverse("audits:audit_detail", args=[audit.pk])
    assert find(coordinator, "macfa-2026-01") == url
    assert find(coordinator, "MACFA-2027-01") == url
    # Agency staff do not see a planned MACFA their agency is not in: the same answer as for
    # a reference that never existed.
    assert find(wmp_officer, "MACFA-2026-01") is None
    assert find(wmp_officer, "MACFA-2019-01") is None


def test_a_current_reference_wins_over_an_old_one(coordinator):
    first = macfa(coordinator, dt.date(2026, 11, 2))
    update(coordinator, first, planned_start=dt.date(2027, 2, 1))  # frees MACFA-2026-01
    again = macfa(coordinator, dt.date(2026, 6, 1), title="Next")
    assert again.reference == "MACFA-2026-01"
    assert find(coordinator, "MACFA-2026-01") == reverse("audits:audit_detail",
                                                         args=[again.pk])


def test_the_edit_page_says_the_audit_was_renumbered(client_for, coordinator):
    audit = macfa(coordinator, dt.date(2026, 11, 2))
    response = client_for(coordinator).post(
        reverse("audits:audit_update", args=[audit.pk]),
        {"title": "Fathers", "lead": coordinator.pk, "planned_start": "2027-02-01"},
        follow=True)
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert ("Audit details saved. It is now planned for 2027, so it is renumbered "
            "MACFA-2027-01 (it was MACFA-2026-01; the old reference still finds it).") in text
