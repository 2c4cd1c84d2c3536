"""The agency page shows open actions by default; signed-off ones are a filter away."""

import pytest
from django.urls import reverse

from actions.models import ActionStatus
from tests.actions.factories import ActionFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_open_by_default_signed_off_a_filter_away(client_for, coordinator, wmp_lead,
                                                  wmp_officer):
    plan = PlanFactory(owner=coordinator)
    open_one = ActionFactory(plan=plan, lead_agency=wmp_officer.agency, lead_officer=wmp_officer,
                             title="Still to do")
    done = ActionFactory(plan=plan, lead_agency=wmp_officer.agency, lead_officer=wmp_officer,
                         status=ActionStatus.SIGNED_OFF, title="All finished")
    client = client_for(wmp_lead)
    url = reverse("actions:agency_actions")
    page = client.get(url).content.decode()
    assert open_one.reference in page and done.reference not in page
    assert 'value="open" selected' in page
    everything = client.get(url, {"status": ""}).content.decode()
    assert open_one.reference in everything and done.reference in everything
    signed = client.get(url, {"status": ActionStatus.SIGNED_OFF}).content.decode()
    assert done.reference in signed and open_one.reference not in signed
