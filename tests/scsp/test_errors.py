"""Request IDs, log lines that carry them, and the error pages (SECURITY.md checks 2 and 35)."""

from __future__ import annotations

import io
import logging
import re
import sys
import uuid
from unittest import mock

import django
import pytest
from django.conf import settings as django_settings
from django.db.utils import OperationalError

from scsp.request_log import RequestContextFilter
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
LEAKS = ["Traceback", "SECRET_KEY", "DATABASES", "settings.py", "SELECT", "scsp_user",
         "/work/", str(django_settings.BASE_DIR), "Django", "django", "Python",
         "RuntimeError", "boom", django.get_version(), sys.version.split()[0]]


@pytest.fixture
def log_lines():
    """Every log line written meanwhile, formatted as settings.LOGGING formats them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(django_settings.LOGGING["formatters"]["plain"]["format"]))
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: stream.getvalue().splitlines()
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.fixture
def errors_urls(settings):
    settings.ROOT_URLCONF = "tests.scsp.urls_errors"


def reference_on(page: str) -> str:
    match = re.search(r'Reference: <span class="font-monospace">([^<]+)</span>', page)
    assert match, page
    return match.group(1)


def assert_no_leaks(page: str) -> None:
    for leak in LEAKS:
        assert leak not in page, leak


def test_every_response_carries_a_request_id(client, coordinator):
    ids = set()
    for url in ["/accounts/sign-in/", "/", "/healthz", "/no-such-page/", "/static/css/scsp.css"]:
        response = client.get(url)
        assert UUID.fullmatch(response["X-Request-ID"]), url
        ids.add(response["X-Request-ID"])
    client.force_login(coordinator)
    response = client.get("/")
    assert response.status_code == 200 and UUID.fullmatch(response["X-Request-ID"])
    ids.add(response["X-Request-ID"])
    assert len(ids) == 6


@pytest.mark.parametrize("incoming,kept", [
    ("0f4c2e1a-1111-4222-8333-444455556666", True),
    ("7c9e6679f2b44a1f9a6ed2f5b3c1a0e1", True),       # nginx's $request_id: 32 hex
    ("short", False),
    ("x" * 65, False),
    ("abc def ghi jkl mno pqr", False),
    ("ok-looking-but\nthen-a-newline-x", False),
    ("<script>alert(1)</script>-abcdef", False),
])
def test_an_incoming_request_id_is_kept_only_when_it_looks_like_one(client, incoming, kept):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    if kept:
        assert response["X-Request-ID"] == incoming
    else:
        assert UUID.fullmatch(response["X-Request-ID"])


def test_log_lines_carry_the_request_id_and_client_address(client, wmp_officer, log_lines,
                                                           errors_urls):
    client.force_login(wmp_officer)
    theme = ThemeFactory()
    # A refusal: the security log's line, Django's "Forbidden" line.
    response = client.get(f"/partnership/themes/{theme.pk}/edit/", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 403
    request_id = response["X-Request-ID"]
    mine = [line for line in log_lines() if f"[req={request_id} ip=203.0.113.7]" in line]
    assert any("scsp.security" in line and "read-only refusal" in line for line in mine), \
        log_lines()
    assert any("django.request" in line and "Forbidden" in line for line in mine)
    # Out of scope: 404 with the security log's line.
    response = client.get("/partnership/themes/999999/edit/", REMOTE_ADDR="203.0.113.8")
    request_id = response["X-Request-ID"]
    assert any(f"[req={request_id} ip=203.0.113.8]" in line and "not found or out of scope"
               in line for line in log_lines())
    # A failure: the traceback goes to the log under the reference the page shows.
    client.raise_request_exception = False
    response = client.get("/test-only/boom/", REMOTE_ADDR="203.0.113.9")
    reference = reference_on(response.content.decode())
    assert reference == response["X-Request-ID"]
    assert any(f"[req={reference} ip=203.0.113.9]" in line and "Internal Server Error" in line
               for line in log_lines())
    # Django's "Not Found" line is written after the middleware finished: it has the ID too.
    response = client.get("/no-such-page/", REMOTE_ADDR="203.0.113.10")
    assert any(f"[req={response['X-Request-ID']} ip=203.0.113.10]" in line
               and "Not Found: /no-such-page/" in line for line in log_lines())
    # Outside a request a line says so.
    logging.getLogger("scsp.test").warning("between requests")
    assert any("[req=- ip=-] between requests" in line for line in log_lines())


def test_the_console_handler_uses_the_filter():
    handler = django_settings.LOGGING["handlers"]["console"]
    assert "request_context" in handler["filters"]
    assert "%(request_id)s" in django_settings.LOGGING["formatters"]["plain"]["format"]
    assert "%(client_ip)s" in django_settings.LOGGING["formatters"]["plain"]["format"]


def test_404_page_in_the_layout_with_its_reference_and_no_leaks(client, coordinator):
    for user in (None, coordinator):
        if user:
            client.force_login(user)
        response = client.get("/no-such-page/?q=SELECT")
        page = response.content.decode()
        assert response.status_code == 404
        assert page.count("<h1>") == 1 and "Page not found" in page
        assert "SCSP Reviews" in page and "Accessibility statement" in page  # base.html
        assert reference_on(page) == response["X-Request-ID"]
        assert "q=SELECT" not in page
        assert_no_leaks(page.replace("?q=SELECT", ""))


def test_500_page_in_the_layout_with_its_reference_and_no_leaks(client, errors_urls, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/test-only/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert page.count("<h1>") == 1 and "Sorry, there is a problem with the service" in page
    assert "SCSP Reviews" in page and "Accessibility statement" in page
    assert reference_on(page) == response["X-Request-ID"]
    assert_no_leaks(page)


def test_503_page_renders_with_the_database_down(client, coordinator):
    """The database unreachable is a 503 that says nothing was saved, with Retry-After,
    rendered without touching the database (tests/ops/test_outages.py stops a real one)."""
    client.force_login(coordinator)
    client.raise_request_exception = False

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    with mock.patch("django.db.backends.utils.CursorWrapper.execute", down), \
            mock.patch("django.db.backends.utils.CursorWrapper.executemany", down):
        response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The service is unavailable" in page and "nothing you submitted was saved" in page
    assert reference_on(page) == response["X-Request-ID"]
    assert coordinator.full_name not in page  # no signed-in lookups
    assert_no_leaks(page)
    assert "Connection refused" not in page


def test_403_says_not_yours_to_change_for_a_read_only_record(client, wmp_officer):
    theme = ThemeFactory()
    client.force_login(wmp_officer)
    response = client.get(f"/partnership/themes/{theme.pk}/edit/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "This record is not yours to change." in page
    assert "not available to your role" not in page
    assert "You can see this record but not change it." in page
    assert reference_on(page) == response["X-Request-ID"]
    assert page.count("<h1>") == 1 and wmp_officer.full_name in page  # the site's layout


def test_403_says_not_available_to_your_role_for_a_role_refusal(client, wmp_officer):
    client.force_login(wmp_officer)
    response = client.get("/partnership/themes/new/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "This is not available to your role." in page
    assert "not yours to change" not in page
    assert "Your role does not include this page." in page
    assert reference_on(page) == response["X-Request-ID"]


@pytest.mark.parametrize("url", ["/%00", "/actions/calendar/%00abc.ics", "/?q=a%00b",
                                 "/actions/all/?%00=1"])
def test_nul_bytes_in_the_url_are_a_400(client, coordinator, url, log_lines):
    client.force_login(coordinator)
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 400
    assert reference_on(page) == response["X-Request-ID"]
    assert_no_leaks(page)
    assert any("scsp.security" in line and "NUL character" in line and response["X-Request-ID"] in line
               for line in log_lines())


def test_nul_bytes_in_form_data_are_a_400(client, coordinator):
    client.force_login(coordinator)
    response = client.post("/partnership/themes/new/", {"name": "A\x00B"})
    assert response.status_code == 400
    response = client.post("/partnership/themes/new/", "name=A%00B",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_request_ids_are_unique_per_request(client):
    seen = {client.get("/healthz")["X-Request-ID"] for _ in range(5)}
    assert len(seen) == 5 and all(uuid.UUID(s) for s in seen)
