"""The 400/403/404/500 pages in a real browser: the site's layout, one h1, the reference, no
accessibility violations, at 1280 and 320 CSS px (screenshots in test-artifacts/)."""

from __future__ import annotations

import pytest

from tests.factories import ThemeFactory

pytestmark = pytest.mark.browser


def shoot(journey, name):
    for width, height in ((1280, 900), (320, 700)):
        journey.page.set_viewport_size({"width": width, "height": height})
        journey.check(context=f"{name} at {width} px")
        journey.screenshot(f"errors-{name}-{width}")
    journey.page.set_viewport_size({"width": 1280, "height": 900})


def test_error_pages(journey, settings, wmp_officer):
    settings.ROOT_URLCONF = "tests.scsp.urls_errors"
    page = journey.page
    theme = ThemeFactory(name="Neglect")

    response = journey.goto("/no-such-page/", expect_status=404)
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert response.headers["x-request-id"] in page.locator("main").inner_text()
    shoot(journey, "404")

    journey.sign_in(wmp_officer)
    journey.goto(f"/partnership/themes/{theme.pk}/edit/", expect_status=403)
    assert "This record is not yours to change." in page.locator("main").inner_text()
    shoot(journey, "403-read-only")
    journey.goto("/partnership/themes/new/", expect_status=403)
    assert "This is not available to your role." in page.locator("main").inner_text()
    shoot(journey, "403-role")

    response = journey.goto("/test-only/boom/", expect_status=500)
    text = page.locator("main").inner_text()
    assert "Sorry, there is a problem with the service" in text
    assert f"Reference: {response.headers['x-request-id']}" in text
    assert "RuntimeError" not in page.content()
    shoot(journey, "500")

    journey.goto("/?q=%00", expect_status=400)
    shoot(journey, "400")
    assert journey.errors == []
