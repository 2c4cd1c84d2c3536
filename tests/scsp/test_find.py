"""Find by reference: straight to a record the person may see; otherwise the same sentence
whether the record exists or not."""

import pytest
from django.urls import reverse

from actions.models import ActionStatus
from tests.actions.factories import ActionFactory, PlanFactory
from tests.reviews import factories as rf

pytestmark = pytest.mark.django_db
NOT_FOUND = "that you can open"


def find(client, ref):
    return client.get(reverse("scsp:find"), {"ref": ref})


def test_each_kind_of_reference_goes_straight_to_its_record(client_for, coordinator, wmp):
    case = rf.notification(by=coordinator, agencies=[wmp])
    review = rf.decided(case, by=coordinator).practice_reviews.get()
    plan = PlanFactory(reference="AP-2026-007", owner=coordinator)
    action = ActionFactory(plan=plan, number=1, status=ActionStatus.IN_PROGRESS)
    client = client_for(coordinator)
    for ref, url in [(case.reference, case.get_absolute_url()),
                     (f"  {review.reference.lower()} ", review.get_absolute_url()),
                     ("AP-2026-007", plan.get_absolute_url()),
                     (action.reference, action.get_absolute_url())]:
        response = find(client, ref)
        assert response.status_code == 302 and response["Location"] == url, ref


def test_the_same_words_whether_it_exists_or_not(client_for, coordinator, wmp, health_officer):
    case = rf.notification(by=coordinator, agencies=[wmp])  # SWBNHS is not involved
    client = client_for(health_officer)
    hidden = find(client, case.reference)
    missing = find(client, "SLPR-1999-999")
    assert hidden.status_code == missing.status_code == 200
    text_hidden = hidden.content.decode().replace(case.reference, "REF")
    text_missing = missing.content.decode().replace("SLPR-1999-999", "REF")
    assert NOT_FOUND in text_hidden
    strip = lambda html: html.split("<main")[1].split("</main>")[0]  # noqa: E731
    assert strip(text_hidden) == strip(text_missing)


def test_the_header_has_the_box(client_for, wmp_officer):
    page = client_for(wmp_officer).get(reverse("scsp:home")).content.decode()
    assert 'action="/find/"' in page and 'name="ref"' in page
