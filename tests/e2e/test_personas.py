"""First journey: each persona signs in, sees what they can do, and signs out."""

import pytest

from scsp.models import Role
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.browser

EXPECTED = {
    # role: (links that must be on the home page, links that must not)
    Role.COORDINATOR: (["Agencies", "Learning themes", "Access log", "Change history"], []),
    Role.CHAIR: (["Agencies", "Learning themes"], ["Access log", "Change history"]),
    Role.SCRUTINEER: (["Agencies", "Access log", "Change history"], []),
    Role.AGENCY_LEAD: (["Agencies", "Learning themes"], ["Access log", "Change history"]),
    Role.AGENCY_OFFICER: (["Agencies", "Learning themes"], ["Access log", "Change history"]),
}


@pytest.mark.parametrize("role", list(EXPECTED), ids=[r.value for r in EXPECTED])
def test_persona_signs_in_sees_home_and_signs_out(journey, role):
    unit = AgencyFactory(name="SCSP Business Unit", short_name="SCSP BU", is_business_unit=True)
    wmp = AgencyFactory(name="West Midlands Police", short_name="WMP")
    agency = unit if role in (Role.COORDINATOR, Role.CHAIR, Role.SCRUTINEER) else wmp
    user = UserFactory(email=f"{role.value}@scsp.test", full_name="Alex Example",
                       agency=agency, role=role)

    journey.sign_in(user, through_the_form=True)
    page = journey.page
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Alex"
    assert str(role.label) in page.locator("main").inner_text()
    must, must_not = EXPECTED[role]
    capabilities = page.locator("main .capabilities")
    for label in must:
        assert capabilities.get_by_role("link", name=label, exact=True).count() == 1, label
    for label in must_not:
        assert capabilities.get_by_role("link", name=label, exact=True).count() == 0, label
    # Every capability listed works for this person.
    for href in capabilities.locator("a").evaluate_all("els => els.map(e => e.href)"):
        journey.goto(href)
        assert "Page not found" not in page.content()
    journey.goto("/")
    journey.sign_out()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    # Signed out means signed out: the home page sends us back to sign in.
    journey.goto("/")
    assert "/accounts/sign-in/" in page.url


def test_navigation_works_from_the_keyboard(journey):
    unit = AgencyFactory(name="SCSP Business Unit", short_name="SCSP BU", is_business_unit=True)
    user = UserFactory(email="coord@scsp.test", full_name="Kim Keyboard", agency=unit,
                       role=Role.COORDINATOR)
    journey.sign_in(user)
    page = journey.page
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    menu = page.get_by_role("button", name="Partnership")
    menu.focus()
    page.keyboard.press("Enter")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Access log").wait_for(state="visible")
    page.keyboard.press("ArrowDown")
    assert page.locator(":focus").inner_text() in {"Agencies", "Learning themes", "Access log",
                                                   "Change history"}
    nav.get_by_role("link", name="Access log").click()
    page.wait_for_url("**/audit/access/")
    journey.check()
