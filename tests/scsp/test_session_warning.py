"""The warning before a session ends: the server's deadlines on every page, "Stay signed in"
(a CSRF-checked POST that restarts the idle clock the server checks), and the status read
that leaves it alone."""

import re
import time

import pytest
from django.urls import reverse

from scsp.middleware import SessionTimeoutMiddleware as Timeout
from tests.mfa import Client

pytestmark = pytest.mark.django_db
URL = "/accounts/session/"


def body_attrs(html: str) -> dict[str, str]:
    tag = re.search(r"<body([^>]*)>", html).group(1)
    return dict(re.findall(r'data-session-([a-z-]+)="([^"]*)"', tag))


def age_session(client, *, idle_for=0, signed_in_for=0):
    session = client.session
    now = time.time()
    session[Timeout.LAST_SEEN] = now - idle_for
    session[Timeout.STARTED] = now - max(signed_in_for, idle_for)
    session.save()


def test_the_setting_and_its_default(settings):
    assert settings.SESSION_WARNING_SECONDS == 120
    assert reverse("scsp:session") == URL


def test_every_signed_in_page_carries_the_deadlines_in_seconds(client, wmp_officer, settings):
    client.force_login(wmp_officer)
    client.get("/")
    age_session(client, idle_for=100, signed_in_for=3600)
    html = client.get("/").content.decode()
    attrs = body_attrs(html)
    # The page load itself restarted the idle clock.
    assert int(attrs["idle"]) == settings.SESSION_IDLE_TIMEOUT_SECONDS
    assert abs(int(attrs["absolute"]) - (settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS - 3600)) <= 2
    assert attrs["warning"] == "120" and attrs["url"] == URL
    assert re.fullmatch(r"\d\d:\d\d", attrs["idle-at"])
    assert re.fullmatch(r"\d\d:\d\d", attrs["absolute-at"])
    assert 'id="session-dialog"' in html and "js/session.js" in html
    assert "Stay signed in" in html
    assert f"at <strong data-session-text=\"absolute-at\">{attrs['absolute-at']}</strong>" in html
    assert "12 hours after" in html


def test_public_pages_have_no_warning(client):
    html = client.get("/accounts/sign-in/").content.decode()
    assert body_attrs(html) == {} and "session-dialog" not in html


def test_reading_the_deadlines_does_not_restart_the_idle_clock(client, wmp_officer, settings):
    client.force_login(wmp_officer)
    client.get("/")
    age_session(client, idle_for=600)
    answer = client.get(URL).json()
    assert answer["signed_in"] is True
    assert abs(answer["idle_seconds"] - (settings.SESSION_IDLE_TIMEOUT_SECONDS - 600)) <= 2
    assert answer["warning_seconds"] == 120
    assert abs(client.session[Timeout.LAST_SEEN] - (time.time() - 600)) <= 2


def test_stay_signed_in_restarts_the_idle_clock_the_server_checks(wmp_officer, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    client = Client(enforce_csrf_checks=True)
    client.force_login(wmp_officer)
    client.get("/")
    token = client.cookies["csrftoken"].value
    age_session(client, idle_for=55)
    assert client.post(URL).status_code == 403  # no CSRF token: refused, nothing extended
    answer = client.post(URL, HTTP_X_CSRFTOKEN=token).json()
    assert answer["signed_in"] is True and answer["idle_seconds"] == 60
    assert abs(client.session[Timeout.LAST_SEEN] - time.time()) <= 2
    age_session(client, idle_for=50)  # 105 s after the first request, but 50 s idle
    assert client.get("/").status_code == 200


def test_an_ended_session_cannot_be_extended(client, wmp_officer, settings):
    client.force_login(wmp_officer)
    client.get("/")
    age_session(client, idle_for=settings.SESSION_IDLE_TIMEOUT_SECONDS + 5)
    assert client.post(URL).json() == {"signed_in": False}
    assert client.get(URL).json() == {"signed_in": False}
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
    page = client.get(response["Location"])
    assert "You were signed out because your session ended" in page.content.decode()


def test_the_absolute_limit_is_not_extended(client, wmp_officer, settings):
    client.force_login(wmp_officer)
    client.get("/")
    age_session(client, signed_in_for=settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS - 30)
    answer = client.post(URL).json()
    assert answer["signed_in"] is True and answer["absolute_seconds"] <= 30
    assert answer["idle_seconds"] == settings.SESSION_IDLE_TIMEOUT_SECONDS


def test_nobody_signed_in(client):
    assert client.get(URL).json() == {"signed_in": False}
    assert client.post(URL).json() == {"signed_in": False}
