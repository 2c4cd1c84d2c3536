"""Signing in with the second factor in a real browser: enrolment (QR code, secret, recovery
codes), "Check it's you" with a code, the security page, the People and settings pages; axe on
every page, at 1280 and 320 px wide."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from scsp.models import Role
from tests.factories import PASSWORD, AgencyFactory, UserFactory
from tests.mfa import code_at

pytestmark = pytest.mark.browser


def current_code(device) -> str:
    return code_at(device, TOTP(device.bin_key, device.step, device.t0, device.digits,
                                device.drift).t())


def test_first_sign_in_enrols_then_a_code_signs_in(journey):
    unit = AgencyFactory(name="SCSP Business Unit", short_name="SCSP BU", is_business_unit=True)
    user = UserFactory(email="newcomer@scsp.test", full_name="Nell Newcomer", agency=unit,
                       role=Role.COORDINATOR)
    page = journey.page
    journey.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/set-up/**")
    journey.check()
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    journey.screenshot("mfa-enrol-1280")
    page.set_viewport_size({"width": 320, "height": 800})
    journey.check(context="enrolment at 320 px")
    journey.screenshot("mfa-enrol-320")
    page.set_viewport_size({"width": 1280, "height": 900})
    # A wrong code: the error summary, checked with axe.
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    journey.check(context="wrong code")
    assert "That code is not right" in page.locator("main").inner_text()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.wait_for_timeout(1100)  # django-otp refuses any code for 1 s after a wrong one
    page.get_by_label("Code from your authenticator app").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/security/recovery-codes/**")
    journey.check()
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    journey.screenshot("mfa-recovery-codes")
    page.get_by_role("button", name=re.compile("I have saved my codes")).click()
    page.wait_for_url(journey.url("/"))
    journey.check()
    journey.sign_out()

    # Next time: "Check it's you", with a recovery code.
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/check/**")
    journey.check()
    journey.screenshot("mfa-verify-1280")
    page.set_viewport_size({"width": 320, "height": 800})
    journey.check(context="verify at 320 px")
    journey.screenshot("mfa-verify-320")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(journey.url("/"))
    journey.check()

    # The security page, the People area and the settings page pass axe too.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign-in and security").click()
    page.wait_for_url("**/accounts/security/")
    journey.check()
    assert "9 recovery codes left" in page.locator("main").inner_text()
    journey.screenshot("mfa-security")
    journey.goto("/accounts/security/authenticator/")
    journey.goto("/partnership/people/")
    journey.goto(f"/partnership/people/{user.pk}/")
    journey.goto("/partnership/people/invite/")
    journey.goto("/partnership/settings/")
    page.get_by_label("Agency officers may sign in without a second factor").check()
    page.get_by_role("button", name="Save settings").click()
    journey.check(context="exemption without a reason")
    assert "Give the reason" in page.locator("main").inner_text()


def test_sign_in_with_a_code_from_the_app(journey, wmp_officer):
    # The password, then the code typed on "Check it's you".
    journey.sign_in(wmp_officer, through_the_form=True)
    assert journey.page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
