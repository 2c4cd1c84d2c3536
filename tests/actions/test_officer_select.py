"""The lead agency -> lead officer narrowing is one script, ``static/js/officer_select.js``,
loaded by every form that has the pair and found through data attributes on the selects."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.actions.factories import ActionFactory
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db

SCRIPT = 'src="/static/js/officer_select.js"'


def assert_narrowed(html: str) -> None:
    assert html.count(SCRIPT) == 1
    agency = re.search(r"<select[^>]*name=\"lead_agency\"[^>]*>", html).group(0)
    officer = re.search(r"<select[^>]*name=\"lead_officer\"[^>]*>", html).group(0)
    assert "data-agency-select" in agency and "data-officer-select" in officer
    assert "<optgroup" in html  # officers grouped by agency, which the script relies on
    assert "<script>" not in html


def test_every_form_with_the_pair_loads_the_one_script(client_for, coordinator, wmp, world):
    client = client_for(coordinator)
    plan = world["shared_plan"]
    action = ActionFactory(plan=plan, number=9)
    rr = f.notification(by=coordinator, agencies=[wmp]).rapid_review
    for path in (reverse("actions:action_create", args=[plan.pk]),
                 reverse("actions:action_update", args=[action.pk]),
                 reverse("reviews:rr_action_create", args=[rr.pk]),
                 rr.get_absolute_url()):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_narrowed(response.content.decode())


def test_the_script_exists_once():
    scripts = Path(settings.BASE_DIR, "static", "js").glob("*.js")
    having = sorted(p.name for p in scripts if "data-officer-select" in p.read_text())
    assert having == ["officer_select.js"]
