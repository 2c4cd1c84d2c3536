"""Time and work are never lost, in a real browser (issue 14).

* The warning before the session ends: with a short idle limit (14 s, warned 9 s before), the
  dialog opens by itself with the focus in it; Enter on "Stay signed in" keeps the session (a
  request after the first deadline still works); ignored, the page goes to the sign-in page.
* A form that comes back with an error keeps its attached file.
* What someone typed when their session ended comes back after they sign in again (password
  and code), and saves.

Screenshots of each, at 1280 and 320 px, go to ``test-artifacts/``."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore

from actions.models import ActionStatus, Evidence, ProgressUpdate
from scsp.middleware import SessionTimeoutMiddleware as Timeout
from tests.actions.factories import ActionFactory, PlanFactory
from tests.actions.files import pdf
from tests.e2e.conftest import NARROW, WIDE
from tests.factories import PASSWORD
from tests.mfa import give_device, next_code

pytestmark = pytest.mark.browser
DIALOG = "#session-dialog"


@pytest.fixture
def action(coordinator, wmp_officer):
    plan = PlanFactory(reference="AP-2026-021", owner=coordinator,
                       title="Rapid Review RR-2026-007: learning for the front door")
    return ActionFactory(plan=plan, number=1, lead_agency=wmp_officer.agency,
                         lead_officer=wmp_officer, status=ActionStatus.IN_PROGRESS,
                         title="Brief the MASH on neglect thresholds")


def short_sessions(settings, idle=14, warning=9):
    """Real timers, short: the dialog opens 5 s after a page loads (after the page's checks),
    which leaves 9 s to look at it and answer before the session ends."""
    settings.SESSION_IDLE_TIMEOUT_SECONDS = idle
    settings.SESSION_WARNING_SECONDS = warning


def both_widths(journey, name):
    """Screenshots at 1280 and 320 CSS px wide (the page as it is now)."""
    page = journey.page
    journey.screenshot(f"{name}-1280")
    page.set_viewport_size(NARROW)
    try:
        journey.screenshot(f"{name}-320")
    finally:
        page.set_viewport_size(WIDE)


def focus_in_dialog(page) -> bool:
    return page.evaluate("() => !!document.activeElement && "
                         "!!document.activeElement.closest('dialog[open]')")


def end_session_now(page):
    """The server's idle clock runs out (as if the person had been away): the session's last
    request is moved back, in the session store itself."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    store = SessionStore(session_key=key)
    store[Timeout.LAST_SEEN] = time.time() - 3600
    store.save()


def sign_in_from_here(journey, user, lands_on: str):
    """On the sign-in page the site sent us to: the password, then the code, then back to the
    page we were on."""
    page = journey.page
    device = give_device(user)
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/check/**")
    journey.check()
    page.get_by_label("Code").fill(next_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(journey.url(lands_on))
    journey.check()


def test_the_warning_by_keyboard_stays_signed_in(journey, wmp_officer, action, settings):
    page = journey.page
    journey.sign_in(wmp_officer, through_the_form=True)
    short_sessions(settings)
    journey.goto(action.get_absolute_url())
    body = page.locator("body")
    assert body.get_attribute("data-session-idle") == "14"
    assert body.get_attribute("data-session-warning") == "9"

    dialog = page.locator(DIALOG)
    dialog.wait_for(state="visible", timeout=20_000)
    assert focus_in_dialog(page)
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Stay signed in"
    text = dialog.inner_text()
    assert "You will be signed out soon" in text and "signed out at" in text
    assert "However active you are, you will be signed out at" in text and "12 hours" in text
    # Keyboard only: Tab stays in the modal dialog.
    for key in ("Tab",) * 4 + ("Shift+Tab",) * 4:
        page.keyboard.press(key)
        assert focus_in_dialog(page), key
    page.locator("[data-session-extend]").focus()
    both_widths(journey, "session-warning")
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert not focus_in_dialog(page)
    assert "still signed in" in page.locator("[data-session-status]").inner_text()
    # The server restarted its idle clock: the warning comes again 9 s before the new end,
    # which is after the first one; a request then still works.
    dialog.wait_for(state="visible", timeout=25_000)
    page.keyboard.press("Escape")  # Escape is "Stay signed in" too, never a silent sign-out
    dialog.wait_for(state="hidden")
    journey.goto(action.get_absolute_url())
    assert "/accounts/sign-in/" not in page.url
    assert page.get_by_role("link", name="Add a progress update").is_visible()


def test_ignored_the_page_goes_to_sign_in_and_keeps_the_typing(journey, wmp_officer, action,
                                                               settings):
    page = journey.page
    journey.sign_in(wmp_officer, through_the_form=True)
    short_sessions(settings, idle=10, warning=5)  # nobody answers: no time to look is needed
    journey.goto(f"/actions/{action.pk}/progress/")
    page.get_by_label("What has happened since the last update").fill(
        "Half the MASH briefed on Tuesday; the rest booked for next week.")
    page.locator(DIALOG).wait_for(state="visible", timeout=20_000)
    # Nobody answers: at the end the page goes to the sign-in page, with what was typed kept.
    page.wait_for_url("**/accounts/sign-in/**", timeout=30_000)
    journey.check()
    assert "signed out because your session ended" in page.locator("main").inner_text()
    assert "We kept what you submitted" in page.locator("main").inner_text()
    assert not ProgressUpdate.objects.exists()
    sign_in_from_here(journey, wmp_officer, f"/actions/{action.pk}/progress/")
    assert page.get_by_label("What has happened since the last update").input_value() == (
        "Half the MASH briefed on Tuesday; the rest booked for next week.")


def test_a_file_stays_attached_after_an_error(journey, wmp_officer, action, tmp_path):
    page = journey.page
    register = tmp_path / "Training register.pdf"
    register.write_bytes(pdf())
    journey.sign_in(wmp_officer, through_the_form=True)
    journey.goto(f"/actions/{action.pk}/progress/")
    page.get_by_label("Evidence files (optional)").set_input_files(str(register))
    page.get_by_role("button", name="Save the update").click()  # no note: an error
    journey.check()
    summary = page.locator("[data-error-summary]")
    assert "Write what has happened since the last update." in summary.inner_text()
    held = page.locator(".held-files")
    assert "Attached: Training register.pdf" in held.inner_text()
    assert "Remove" in held.inner_text()
    both_widths(journey, "held-file-after-error")
    page.get_by_label("What has happened since the last update").fill("Register attached.")
    page.get_by_role("button", name="Save the update").click()
    journey.check()
    assert "Your update has been added" in page.locator(".messages").inner_text()
    assert [e.original_name for e in Evidence.objects.all()] == ["Training register.pdf"]
    assert page.get_by_role("link", name="Training register.pdf").first.is_visible()


def test_typed_when_the_session_ended_comes_back_after_signing_in(journey, wmp_officer, action,
                                                                  tmp_path):
    page = journey.page
    register = tmp_path / "Dip sample.pdf"
    register.write_bytes(pdf())
    journey.sign_in(wmp_officer, through_the_form=True)
    journey.goto(f"/actions/{action.pk}/progress/")
    note = "Dip sample of 20 notifications: all screened within the day."
    page.get_by_label("What has happened since the last update").fill(note)
    page.get_by_label("Delivery is at risk").check()
    page.get_by_label("Evidence files (optional)").set_input_files(str(register))
    end_session_now(page)  # the person was called away; the session ended meanwhile
    page.get_by_role("button", name="Save the update").click()
    page.wait_for_url("**/accounts/sign-in/**")
    journey.check()
    assert "We kept what you submitted" in page.locator("main").inner_text()
    assert not ProgressUpdate.objects.exists()

    sign_in_from_here(journey, wmp_officer, f"/actions/{action.pk}/progress/")
    assert "We kept what you typed when your session ended. Check it and submit again." in (
        page.locator(".messages").inner_text())
    assert page.get_by_label("What has happened since the last update").input_value() == note
    assert page.get_by_label("Delivery is at risk").is_checked()
    assert "Attached: Dip sample.pdf" in page.locator(".held-files").inner_text()
    both_widths(journey, "kept-form-after-sign-in")
    page.get_by_role("button", name="Save the update").click()
    journey.check()
    update = ProgressUpdate.objects.get()
    assert update.note == note and [e.original_name for e in Evidence.objects.all()] == [
        "Dip sample.pdf"]


def test_mark_as_complete_form(journey, wmp_officer, action):
    page = journey.page
    journey.sign_in(wmp_officer, through_the_form=True)
    journey.goto(action.get_absolute_url())
    page.get_by_role("link", name="Mark as complete").click()
    journey.check()
    page.get_by_role("button", name="Mark as complete").click()  # nothing typed: an error
    journey.check()
    summary = page.locator("[data-error-summary]")
    assert "Describe the evidence that the action is complete." in summary.inner_text()
    page.get_by_label("Evidence that the action is complete").fill(
        "Every MASH officer trained; the register is on the shared drive.")
    both_widths(journey, "mark-as-complete")
    page.get_by_role("button", name="Mark as complete").click()
    journey.check()
    action.refresh_from_db()
    assert action.status == ActionStatus.AWAITING_SIGN_OFF and action.completed_on is not None
