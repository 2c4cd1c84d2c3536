"""An action marked complete after its target date says so in words wherever actions are
listed ("Completed late" beside the RAG, never a colour alone), on its own page (how many days
late) and in the list's "Completed late only" filter; on time says nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionStatus
from tests.actions.factories import ActionFactory, PlanFactory
from tests.querycount import assert_flat, page_rows

pytestmark = pytest.mark.django_db
S = ActionStatus


@pytest.fixture
def pair(coordinator, wmp_officer):
    today = timezone.localdate()
    plan = PlanFactory(reference="AP-2026-401", owner=coordinator)
    common = {"plan": plan, "lead_agency": wmp_officer.agency, "lead_officer": wmp_officer}
    late = ActionFactory(number=1, title="Late one", status=S.SIGNED_OFF,
                         target_date=today - dt.timedelta(days=12), completed_on=today, **common)
    on_time = ActionFactory(number=2, title="On time one", status=S.AWAITING_SIGN_OFF,
                            target_date=today + dt.timedelta(days=3), completed_on=today,
                            **common)
    return late, on_time


BADGE = '<span class="badge badge-late">Completed late</span>'


def _row(page, reference):
    start = page.index(f">{reference}</a>")
    return page[start:page.index("</tr>", start)]


def test_lists_and_pages_say_completed_late(client_for, coordinator, pair):
    late, on_time = pair
    client = client_for(coordinator)
    for url in (reverse("actions:all_actions"), late.plan.get_absolute_url()):
        page = client.get(url).content.decode()
        assert BADGE in _row(page, late.reference), url
        assert BADGE not in _row(page, on_time.reference), url
    detail = " ".join(client.get(late.get_absolute_url()).content.decode().split())
    assert BADGE in detail and "Signed off, completed late" in detail
    assert "completed late</strong>, 12 days after its target date" in detail
    assert BADGE not in client.get(on_time.get_absolute_url()).content.decode()


@pytest.mark.template_context
def test_the_completed_late_filter(client_for, coordinator, pair):
    late, _on_time = pair
    response = client_for(coordinator).get(reverse("actions:all_actions"),
                                           {"late": "on", "status": ""})
    assert [a.pk for a in response.context["page_obj"].object_list] == [late.pk]
    assert 'id="id_late"' in response.content.decode()


@pytest.mark.template_context
def test_the_late_list_keeps_its_query_count(client_for, coordinator, wmp_officer):
    plan = PlanFactory(reference="AP-2026-402", owner=coordinator)
    today = timezone.localdate()
    numbers = iter(range(1, 100))

    def make(n):
        for _ in range(n):
            ActionFactory(plan=plan, number=next(numbers), lead_agency=wmp_officer.agency,
                          lead_officer=wmp_officer, status=S.SIGNED_OFF,
                          target_date=today - dt.timedelta(days=5), completed_on=today)

    _first, second = assert_flat(client_for(coordinator), reverse("actions:all_actions"), make,
                                 expect_rows=page_rows, data={"late": "on", "status": ""})
    assert second.content.decode().count(BADGE) == 25
