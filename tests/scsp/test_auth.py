"""Signing in by e-mail, throttling, password policy, reset and sign-out."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from scsp.models import AccessEvent, LoginFailure
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/sign-in/"
GENERIC = "We could not sign you in with that e-mail address and password"


def sign_in(client, email, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_by_email_any_case(client, wmp_officer):
    response = sign_in(client, "OFFICER@WMP.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_and_unknown_account_look_the_same(client, wmp_officer):
    wrong = sign_in(client, wmp_officer.email, "not the password at all")
    unknown = sign_in(client, "nobody@nowhere.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC in wrong.content.decode()
    assert GENERIC in unknown.content.decode()


def test_inactive_account_cannot_sign_in(client, wmp_officer):
    wmp_officer.is_active = False
    wmp_officer.save()
    assert GENERIC in sign_in(client, wmp_officer.email, PASSWORD).content.decode()


def test_account_is_throttled_after_ten_failures_even_with_right_password(
    client, wmp_officer, settings
):
    for i in range(settings.LOGIN_THROTTLE_PER_ACCOUNT):
        sign_in(client, wmp_officer.email, f"wrong password {i}", ip=f"10.0.1.{i}")
    response = sign_in(client, wmp_officer.email, PASSWORD, ip="10.0.2.1")
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_cools_off(client, wmp_officer, settings):
    long_ago = timezone.now() - dt.timedelta(minutes=settings.LOGIN_THROTTLE_WINDOW_MINUTES + 1)
    LoginFailure.objects.bulk_create(
        [LoginFailure(email=wmp_officer.email, ip_address="10.0.0.9", at=long_ago)] * 20
    )
    assert sign_in(client, wmp_officer.email, PASSWORD).status_code == 302


def test_other_accounts_still_sign_in_while_one_is_throttled(client, wmp_officer, health_officer,
                                                             settings):
    for _ in range(settings.LOGIN_THROTTLE_PER_ACCOUNT):
        sign_in(client, wmp_officer.email, "wrong password x", ip="10.9.9.9")
    assert sign_in(client, health_officer.email, PASSWORD, ip="10.8.8.8").status_code == 302


def test_password_spray_from_one_address_is_throttled(client, settings):
    users = [UserFactory() for _ in range(3)]
    settings.LOGIN_THROTTLE_PER_IP = 5
    for i in range(5):
        sign_in(client, f"sprayed{i}@x.test", "Winter2026!!", ip="10.6.6.6")
    response = sign_in(client, users[0].email, PASSWORD, ip="10.6.6.6")
    assert GENERIC in response.content.decode()
    assert sign_in(client, users[0].email, PASSWORD, ip="10.7.7.7").status_code == 302


def test_success_clears_the_account_failures(client, wmp_officer):
    sign_in(client, wmp_officer.email, "wrong password here")
    assert LoginFailure.objects.filter(email=wmp_officer.email).count() == 1
    sign_in(client, wmp_officer.email, PASSWORD)
    assert not LoginFailure.objects.filter(email=wmp_officer.email).exists()


def test_the_password_is_never_stored_on_failure(client, wmp_officer):
    sign_in(client, wmp_officer.email, "a-secret-guess-123")
    assert not LoginFailure.objects.filter(email__contains="a-secret-guess").exists()
    assert "a-secret-guess" not in str(list(LoginFailure.objects.values()))


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


def test_password_change_needs_the_current_password(client, wmp_officer):
    client.force_login(wmp_officer)
    response = client.post(reverse("scsp:password_change"), {
        "old_password": "wrong", "new_password1": "a brand new passphrase",
        "new_password2": "a brand new passphrase"})
    assert response.status_code == 200
    wmp_officer.refresh_from_db()
    assert wmp_officer.check_password(PASSWORD)
    response = client.post(reverse("scsp:password_change"), {
        "old_password": PASSWORD, "new_password1": "a brand new passphrase",
        "new_password2": "a brand new passphrase"})
    assert response.status_code == 302
    wmp_officer.refresh_from_db()
    assert wmp_officer.check_password("a brand new passphrase")


def test_reset_link_uses_site_url_not_host_header_and_works_once(client, wmp_officer, settings):
    settings.SITE_URL = "https://reviews.scsp.example"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    client.post(reverse("scsp:password_reset"), {"email": wmp_officer.email},
                HTTP_HOST="evil.example")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "evil.example" not in body
    link = re.search(r"https://reviews\.scsp\.example(/accounts/password/reset/\S+)", body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else link
    done = client.post(set_url, {"new_password1": "another long passphrase",
                                 "new_password2": "another long passphrase"})
    assert done.status_code == 302
    again = client.get(link, follow=True)
    assert "This link has expired" in again.content.decode()


def test_reset_for_unknown_address_looks_the_same(client):
    response = client.post(reverse("scsp:password_reset"), {"email": "nobody@x.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("scsp:password_reset_done")
    assert mail.outbox == []


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
    assert AccessEvent.objects.count() == 0
