"""Signing in by e-mail, the lockout (django-axes), password policy, reset and sign-out."""

import datetime as dt
import logging
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from scsp.models import AccessEvent, Reminder
from tests.factories import PASSWORD, UserFactory
from tests.mfa import Client

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/sign-in/"
GENERIC = "We could not sign you in with that e-mail address and password"


def sign_in(client, email, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_in_by_email_any_case_then_the_second_factor(client, wmp_officer):
    response = sign_in(client, "OFFICER@WMP.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("scsp:mfa_enrol"))


def test_wrong_password_unknown_account_and_locked_out_look_the_same(client, wmp_officer,
                                                                     settings):
    wrong = sign_in(client, wmp_officer.email, "not the password at all")
    unknown = sign_in(client, "nobody@nowhere.test", "not the password at all")
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        sign_in(client, wmp_officer.email, f"wrong {i}", ip="10.0.0.2")
    locked = sign_in(client, wmp_officer.email, PASSWORD, ip="10.0.0.2")
    assert wrong.status_code == unknown.status_code == locked.status_code == 200

    def body(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert GENERIC in body(wrong)
    assert body(wrong).replace(wmp_officer.email, "X") == body(unknown).replace(
        "nobody@nowhere.test", "X") == body(locked).replace(wmp_officer.email, "X")


def test_inactive_account_cannot_sign_in(client, wmp_officer):
    wmp_officer.is_active = False
    wmp_officer.save()
    assert GENERIC in sign_in(client, wmp_officer.email, PASSWORD).content.decode()


def test_account_and_address_locked_after_ten_failures_even_with_the_right_password(
    client, wmp_officer, settings, caplog
):
    assert settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS == 10
    with caplog.at_level(logging.INFO, logger="scsp.security"):
        for i in range(9):
            sign_in(client, wmp_officer.email, f"wrong password {i}", ip="10.0.1.1")
        assert "sign-in locked out" not in caplog.text
        sign_in(client, wmp_officer.email, "wrong password 9", ip="10.0.1.1")
        assert f"sign-in locked out: account='{wmp_officer.email}' ip=10.0.1.1" in caplog.text
    response = sign_in(client, wmp_officer.email, PASSWORD, ip="10.0.1.1")
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert not signed_in(client)


def test_a_stranger_failing_elsewhere_cannot_lock_the_person_out(client, wmp_officer, settings):
    """Lockout of A from IP1 does not block A from IP2: the right password and second factor
    from an address that has not failed still work."""
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS + 5):
        sign_in(client, wmp_officer.email, f"wrong password {i}", ip="203.0.113.66")
    assert GENERIC in sign_in(client, wmp_officer.email, PASSWORD,
                              ip="203.0.113.66").content.decode()
    from tests.mfa import give_device, next_code

    device = give_device(wmp_officer)
    other = Client()
    assert sign_in(other, wmp_officer.email, PASSWORD, ip="10.20.30.40").status_code == 302
    response = other.post(reverse("scsp:mfa_verify"), {"code": next_code(device)},
                          REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 302
    assert other.get("/", REMOTE_ADDR="10.20.30.40").status_code == 200


def test_the_cool_off_is_fixed_and_refused_attempts_do_not_extend_it(client, wmp_officer,
                                                                      settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS):
            sign_in(client, wmp_officer.email, f"wrong {i}")
        for minutes in (5, 10, 14):  # the attacker keeps trying during the lockout
            clock.move_to(start + dt.timedelta(minutes=minutes))
            assert not signed_in(client) and GENERIC in sign_in(
                client, wmp_officer.email, "still wrong").content.decode()
        clock.move_to(start + dt.timedelta(minutes=14, seconds=59))
        assert GENERIC in sign_in(client, wmp_officer.email, PASSWORD).content.decode()
        clock.move_to(start + dt.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES, seconds=1))
        assert sign_in(client, wmp_officer.email, PASSWORD).status_code == 302


def test_other_accounts_still_sign_in_while_one_is_locked(client, wmp_officer, health_officer,
                                                          settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        sign_in(client, wmp_officer.email, "wrong password x", ip="10.9.9.9")
    assert sign_in(client, health_officer.email, PASSWORD, ip="10.8.8.8").status_code == 302


def test_a_spray_across_twenty_accounts_from_one_address_trips_the_address_limit(
    client, settings
):
    assert settings.LOGIN_FAILURES_PER_ADDRESS == 20
    assert settings.LOGIN_FAILURES_PER_ADDRESS > settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS
    users = [UserFactory() for _ in range(20)]
    for user in users[:19]:
        sign_in(client, user.email, "Winter2026!!", ip="10.6.6.6")
    assert sign_in(client, users[19].email, PASSWORD, ip="10.6.6.6").status_code == 302
    client.logout()
    sign_in(client, users[19].email, "Winter2026!!", ip="10.6.6.6")  # the 20th failure
    response = sign_in(client, users[0].email, PASSWORD, ip="10.6.6.6")
    assert GENERIC in response.content.decode()
    assert sign_in(client, users[0].email, PASSWORD, ip="10.7.7.7").status_code == 302


def test_signing_in_to_your_own_account_does_not_wipe_an_address_s_failures(client, settings):
    """A sprayer who owns one account cannot reset the count by signing in to it."""
    mine = UserFactory()
    for i in range(settings.LOGIN_FAILURES_PER_ADDRESS - 1):
        sign_in(client, f"victim{i}@x.test", "guess", ip="10.5.5.5")
    assert sign_in(client, mine.email, PASSWORD, ip="10.5.5.5").status_code == 302
    client.logout()
    sign_in(client, "victim99@x.test", "guess", ip="10.5.5.5")
    assert GENERIC in sign_in(client, mine.email, PASSWORD, ip="10.5.5.5").content.decode()


def test_failures_are_counted_whatever_the_case_of_the_address(client, wmp_officer, settings):
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        email = wmp_officer.email.upper() if i % 2 else wmp_officer.email
        sign_in(client, email, f"wrong {i}")
    assert GENERIC in sign_in(client, wmp_officer.email, PASSWORD).content.decode()


def test_the_password_is_never_stored_on_failure(client, wmp_officer):
    sign_in(client, wmp_officer.email, "a-secret-guess-123")
    assert AccessAttempt.objects.count() == 1
    assert "a-secret-guess" not in str(list(AccessAttempt.objects.values()))


def test_old_sign_in_records_are_purged(client, wmp_officer, settings):
    """Failed attempts go when their cool-off ends (axes); the sign-in log after
    SIGN_IN_RECORDS_KEEP_DAYS."""
    from axes.models import AccessLog
    from django.core.management import call_command

    with time_machine.travel(timezone.now() - dt.timedelta(days=settings.SIGN_IN_RECORDS_KEEP_DAYS
                                                           + 1)):
        sign_in(client, wmp_officer.email, PASSWORD, ip="10.1.1.1")
    client.logout()
    sign_in(client, wmp_officer.email, PASSWORD, ip="10.1.1.2")
    assert AccessLog.objects.count() == 2
    call_command("apply_retention", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(AccessLog.objects.values_list("ip_address", flat=True)) == ["10.1.1.2"]


@pytest.mark.parametrize(
    "password",
    ["short-pass1", "password1234", "sandwell2026", "scsp-reviews-1", "Carol Coordinator1"],
)
def test_weak_passwords_are_refused(password, coordinator):
    with pytest.raises(ValidationError):
        validate_password(password, user=coordinator)


def test_a_long_unicode_passphrase_is_accepted_exactly(coordinator):
    phrase = "ein sehr langer Satz über Kaffee, Tee und Fahrräder im Regen ☔ 2026"
    validate_password(phrase, user=coordinator)
    coordinator.set_password(phrase)
    coordinator.save()
    assert coordinator.check_password(phrase)
    assert not coordinator.check_password(phrase[:-1])


def test_sign_out_needs_post_and_ends_the_session(client, wmp_officer):
    client.force_login(wmp_officer)
    assert client.get("/accounts/sign-out/").status_code == 405
    client.post("/accounts/sign-out/")
    assert client.get("/").status_code == 302


def test_password_change_needs_the_current_password_and_e_mails_the_person(
    client, wmp_officer, django_capture_on_commit_callbacks
):
    client.force_login(wmp_officer)
    response = client.post(reverse("scsp:password_change"), {
        "old_password": "wrong", "new_password1": "a brand new passphrase",
        "new_password2": "a brand new passphrase"})
    assert response.status_code == 200
    wmp_officer.refresh_from_db()
    assert wmp_officer.check_password(PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scsp:password_change"), {
            "old_password": PASSWORD, "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase"})
    assert response.status_code == 302
    wmp_officer.refresh_from_db()
    assert wmp_officer.check_password("a brand new passphrase")
    notice = Reminder.objects.get(recipient=wmp_officer, kind=Reminder.Kind.EVENT)
    assert "password for your account was changed" in notice.text_body
    assert "a brand new passphrase" not in notice.text_body
    assert [m.to for m in mail.outbox] == [[wmp_officer.email]]
    assert AccessEvent.objects.filter(user=wmp_officer, kind=AccessEvent.Kind.PASSWORD,
                                      detail="password changed").exists()


def test_password_change_ends_the_person_s_other_sessions(wmp_officer):
    here, elsewhere = Client(), Client()
    here.force_login(wmp_officer)
    elsewhere.force_login(wmp_officer)
    assert elsewhere.get("/").status_code == 200
    here.post(reverse("scsp:password_change"), {
        "old_password": PASSWORD, "new_password1": "a brand new passphrase",
        "new_password2": "a brand new passphrase"})
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


def ask_for_reset(client, email, ip="10.0.0.1", **extra):
    return client.post(reverse("scsp:password_reset"), {"email": email}, REMOTE_ADDR=ip,
                       **extra)


def test_reset_link_uses_site_url_not_host_header_and_works_once(
    client, wmp_officer, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://reviews.scsp.example"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = ask_for_reset(client, wmp_officer.email, HTTP_HOST="evil.example")
    assert response.status_code == 302
    assert len(callbacks) == 1  # the e-mail is a task enqueued after commit
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "evil.example" not in body
    link = re.search(r"https://reviews\.scsp\.example(/accounts/password/reset/\S+)", body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else link
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(set_url, {"new_password1": "another long passphrase",
                                     "new_password2": "another long passphrase"})
    assert done.status_code == 302
    assert not signed_in(client)  # a reset never signs in: password and second factor follow
    assert "password for your account was changed" in mail.outbox[-1].body
    again = client.get(link, follow=True)
    assert "This link has expired" in again.content.decode()


def test_a_reset_link_expires_after_an_hour(client, wmp_officer, settings,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_reset(client, wmp_officer.email)
    link = re.search(r"(/accounts/password/reset/\S+)", mail.outbox[0].body).group(1)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT
                                                           + 5)):
        page = client.get(link, follow=True)
    assert "This link has expired" in page.content.decode()


def test_reset_for_known_and_unknown_addresses_looks_the_same(
    client, wmp_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as known_tasks:
        known = ask_for_reset(client, wmp_officer.email)
    with django_capture_on_commit_callbacks(execute=True) as unknown_tasks:
        unknown = ask_for_reset(client, "nobody@x.test")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("scsp:password_reset_done")
    assert len(known_tasks) == len(unknown_tasks) == 1  # the worker decides, not the request
    assert [m.to for m in mail.outbox] == [[wmp_officer.email]]


def test_reset_requests_are_limited_per_account(client, wmp_officer, settings,
                                                django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(settings.PASSWORD_RESET_PER_ACCOUNT + 2):
            response = ask_for_reset(client, wmp_officer.email, ip=f"10.3.0.{i}")
            assert response["Location"] == reverse("scsp:password_reset_done")
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_ACCOUNT
    assert "password reset request over the limit" in caplog.text


def test_reset_requests_are_limited_per_address(client, settings,
                                                django_capture_on_commit_callbacks):
    users = [UserFactory() for _ in range(settings.PASSWORD_RESET_PER_ADDRESS + 2)]
    with django_capture_on_commit_callbacks(execute=True):
        for user in users:
            ask_for_reset(client, user.email, ip="10.4.4.4")
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_ADDRESS


def test_a_cache_failure_lets_reset_requests_through_and_is_logged(
    client, wmp_officer, settings, django_capture_on_commit_callbacks, caplog
):
    from unittest import mock

    with mock.patch("scsp.ratelimit.cache.incr", side_effect=ConnectionError("redis down")), \
            django_capture_on_commit_callbacks(execute=True):
        response = ask_for_reset(client, wmp_officer.email)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "the cache failed" in caplog.text


def test_reset_links_expire_after_an_hour(settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600


def test_unknown_host_is_refused(client):
    assert client.get(LOGIN, HTTP_HOST="evil.example").status_code == 400


def test_create_superuser_is_a_coordinator_in_the_business_unit():
    admin = get_user_model().objects.create_superuser("Admin@Example.test", "a long admin password")
    assert admin.email == "admin@example.test"
    assert admin.is_staff and admin.is_superuser and admin.is_coordinator
    assert admin.agency.is_business_unit


def test_no_access_events_without_sensitive_records(client, wmp_officer):
    client.force_login(wmp_officer)
    client.get("/")
    # Signing in is in the log (kind "Signed in"); looking at the dashboard is not.
    assert list(AccessEvent.objects.values_list("kind", flat=True)) == [AccessEvent.Kind.SIGN_IN]
