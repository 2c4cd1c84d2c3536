"""The second factor (SECURITY.md check 13): required for everyone, no protected page with a
password only, codes used once, wrong codes throttled, the admin behind it, enrolment, recovery
codes, the officers-only exemption and the co-ordinator's reset."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from scsp import mfa, services
from scsp.models import AccessEvent, PartnershipSettings, Reminder, Role
from tests.factories import PASSWORD, UserFactory
from tests.matrix import PERSONAS
from tests.mfa import Client, SoftPasskey, code_at, give_device, give_passkey, next_code, passkey_json
from tests.test_url_matrix import ROWS

pytestmark = pytest.mark.django_db
VERIFY = "/accounts/check/"
ENROL = "/accounts/set-up/"


def password_only(user) -> Client:
    client = Client()
    assert client.post("/accounts/sign-in/", {"username": user.email,
                                              "password": PASSWORD}).status_code == 302
    return client


# --- no protected page with a password only ---------------------------------------------------

#: Pages a signed-in person may open before the second factor: sign-out and the steps. The
#: public pages need no sign-in at all: see :func:`public_pages`.
BEFORE_SECOND_FACTOR = {
    "scsp:logout", "scsp:mfa_verify", "scsp:mfa_enrol", "scsp:login",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete", "otp_webauthn:js-i18n-catalog",
}
PUBLIC_ROWS = {row.url_name for row in ROWS if row.expected["anonymous"] == 200}


def public_pages(resolver=None, namespace="") -> set[str]:
    """The public pages as the code has them (``scsp.mfa.is_public``: the views marked
    ``@login_not_required``), by URL name. The one list: the test does not keep a copy."""
    resolver = resolver or get_resolver()
    found = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found |= public_pages(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}{pattern.name}"
            if mfa.is_public(pattern.callback, is_admin=name.startswith("admin:")):
                found.add(name)
    return found


def test_the_public_pages_are_the_marked_ones_and_the_matrix_agrees():
    public = public_pages()
    # Like the accessibility statement, the glossary is for anyone, before signing in.
    assert {"scsp:login", "scsp:accessibility", "scsp:glossary"} <= public
    # A page the matrix lets anonymous people open is marked public in the code; a page
    # marked public never sends anonymous people to sign in.
    assert public >= PUBLIC_ROWS, sorted(PUBLIC_ROWS - public)
    to_sign_in = sorted(row.url_name for row in ROWS
                        if row.url_name in public and row.expected["anonymous"] == 302)
    assert not to_sign_in, to_sign_in


@pytest.fixture
def world(personas):
    from tests.matrix import build_world

    return build_world(personas)


@pytest.mark.parametrize("with_device", [True, False], ids=["has-app", "no-app"])
def test_no_protected_page_is_reachable_with_a_password_only(personas, world, with_device):
    """Every named URL of the URLconf (the matrix rows), as each persona signed in with the
    password only: a step page or a redirect to the step, nothing else."""
    assert {row.url_name for row in ROWS} >= BEFORE_SECOND_FACTOR
    public = public_pages()
    for persona in PERSONAS[1:]:
        user = personas[persona]
        if with_device:
            give_device(user)
        client = Client()
        client.password_only_login(user)
        step = VERIFY if with_device else ENROL
        for row in ROWS:
            if row.url_name in BEFORE_SECOND_FACTOR:
                continue
            url = reverse(row.url_name, kwargs=row.kwargs(world) if row.kwargs else {})
            if row.url_name in public:  # open to anyone: not held back for the second factor
                response = client.get(url)
                assert not response.get("Location", "").startswith(step), (persona, row.url_name)
                continue
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 302, (persona, row.url_name, method)
                assert response["Location"].startswith(step), (persona, row.url_name, method)
        assert client.session.get(DEVICE_ID_SESSION_KEY) is None


def test_the_second_factor_is_required_for_everyone_by_default(settings, personas):
    assert settings.MFA_REQUIRED is True
    for persona in PERSONAS[1:]:
        assert mfa.required_for(personas[persona]), persona


# --- "Check it's you" -----------------------------------------------------------------------

def test_a_code_verifies_the_session_and_changes_its_key(wmp_officer):
    device = give_device(wmp_officer)
    client = password_only(wmp_officer)
    assert client.get("/")["Location"] == f"{VERIFY}?next=%2F"
    page = client.get(f"{VERIFY}?next=/actions/mine/")
    assert page.status_code == 200 and "Check it" in page.content.decode()
    before = client.session.session_key
    response = client.post(VERIFY, {"code": next_code(device), "next": "/actions/mine/"})
    assert response.status_code == 302 and response["Location"] == "/actions/mine/"
    assert client.session.session_key != before
    assert client.get("/").status_code == 200


def test_a_used_code_cannot_be_replayed(wmp_officer):
    device = give_device(wmp_officer)
    code = next_code(device)
    first = password_only(wmp_officer)
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second = password_only(wmp_officer)
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert second.get("/").status_code == 302


def test_ten_wrong_codes_are_throttled_even_the_right_one_after(wmp_officer, caplog):
    device = give_device(wmp_officer)
    client = password_only(wmp_officer)
    right = next_code(device)
    wrong = str((int(right) + 1) % 1_000_000).zfill(6)
    for _ in range(10):
        client.post(VERIFY, {"code": wrong})
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1
    response = client.post(VERIFY, {"code": right})
    assert "too many wrong codes" in response.content.decode()
    assert client.get("/").status_code == 302
    assert "second factor throttled" in caplog.text
    assert right not in caplog.text  # no code in the logs


def test_a_wrong_code_after_a_wait_is_counted_and_the_delay_doubles(wmp_officer):
    from django.utils import timezone

    device = give_device(wmp_officer)
    client = password_only(wmp_officer)
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        for i in range(4):
            clock.move_to(now + dt.timedelta(seconds=100 * i))
            client.post(VERIFY, {"code": "000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 4
    allowed, info = device.verify_is_allowed()
    assert not allowed  # 8 seconds after the 4th


def test_a_recovery_code_works_once(wmp_officer):
    give_device(wmp_officer)
    recovery = StaticDevice.objects.create(user=wmp_officer, name="Recovery codes")
    recovery.token_set.create(token="abcd2345")
    client = password_only(wmp_officer)
    assert client.post(VERIFY, {"code": "ABCD 2345"}).status_code == 302
    assert client.get("/").status_code == 200
    again = password_only(wmp_officer)
    assert "That code is not right" in again.post(VERIFY, {"code": "abcd2345"}).content.decode()
    assert not StaticToken.objects.filter(token="abcd2345").exists()


def test_the_admin_site_needs_the_second_factor(business_unit):
    admin = UserFactory(email="admin@scsp.test", agency=business_unit, role=Role.COORDINATOR,
                        is_staff=True, is_superuser=True)
    device = give_device(admin)
    client = password_only(admin)
    for url in ("/admin/", "/admin/scsp/user/", "/admin/login/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), url
    client.post(VERIFY, {"code": next_code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_s_own_sign_in_form_is_not_a_way_round(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


# --- enrolment ---------------------------------------------------------------------------

def test_enrolment_end_to_end(wmp_officer, django_capture_on_commit_callbacks):
    client = password_only(wmp_officer)
    assert client.get("/")["Location"] == f"{ENROL}?next=%2F"
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in html  # our own QR code, no outside service
    device = TOTPDevice.objects.get(user=wmp_officer, confirmed=False)
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', html).group(1)
    from base64 import b32decode

    assert b32decode(secret.replace(" ", "")).hex() == device.key
    assert "otpauth://" not in html  # the secret appears as text and in the image only
    wrong = client.post(ENROL, {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True), \
            time_machine.travel(dt.timedelta(seconds=2)):  # past the 1 s wait a wrong code sets
        done = client.post(ENROL, {"code": code_at(device, device_t(device)), "next": "/"})
    assert done.status_code == 302 and done["Location"].startswith("/accounts/security/recovery")
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(done["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    download = client.get(reverse("scsp:recovery_codes_download"))
    assert download["Content-Disposition"].startswith("attachment")
    assert all(code in download.content.decode() for code in codes)
    client.post(done["Location"], {"next": "/"})
    assert client.get(reverse("scsp:recovery_codes_download")).status_code == 404  # shown once
    assert codes[0] not in client.get(reverse("scsp:recovery_codes")).content.decode()
    assert client.get("/").status_code == 200
    notice = Reminder.objects.get(recipient=wmp_officer)
    assert "authenticator app was set up" in notice.text_body
    assert secret.replace(" ", "") not in notice.text_body and codes[0] not in notice.text_body
    assert mail.outbox[0].to == [wmp_officer.email]
    assert AccessEvent.objects.filter(user=wmp_officer, kind="second_factor",
                                      detail="second factor changed: authenticator set up").exists()


def device_t(device):
    from django_otp.oath import TOTP

    return TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()


def test_replacing_the_authenticator_keeps_the_session_and_retires_the_old_app(
    client, wmp_officer, django_capture_on_commit_callbacks
):
    client.force_login(wmp_officer)
    old = give_device(wmp_officer)
    page = client.get(reverse("scsp:replace_authenticator"))
    assert page.status_code == 200
    new = TOTPDevice.objects.get(user=wmp_officer, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scsp:replace_authenticator"),
                               {"code": code_at(new, device_t(new))})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get("/").status_code == 200
    assert "authenticator app was replaced" in mail.outbox[0].body


def test_new_recovery_codes_replace_the_old_ones_and_e_mail(client, wmp_officer,
                                                           django_capture_on_commit_callbacks):
    client.force_login(wmp_officer)
    old = StaticDevice.objects.create(user=wmp_officer, name="Recovery codes")
    old.token_set.create(token="oldcode2")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("scsp:recovery_codes_new"))
    assert not StaticToken.objects.filter(token="oldcode2").exists()
    assert StaticToken.objects.filter(device__user=wmp_officer).count() == 10
    assert "New recovery codes were made" in mail.outbox[0].body
    assert all(t.token not in mail.outbox[0].body for t in StaticToken.objects.all())


def test_the_security_page_lists_the_person_s_factors(client, wmp_officer):
    client.force_login(wmp_officer)
    page = client.get(reverse("scsp:security")).content.decode()
    assert "Authenticator app" in page and "Set up on" in page
    assert "passkey-registration-placeholder" in page  # django-otp-webauthn's button
    assert "0 recovery codes left" in page


# --- passkeys (django-otp-webauthn's JSON steps, answered by a software passkey) -------------

def test_a_passkey_is_the_second_factor_after_the_password(wmp_officer):
    give_device(wmp_officer)
    passkey = give_passkey(wmp_officer)
    client = password_only(wmp_officer)
    options = passkey_json(client, "otp_webauthn:credential-authentication-begin").json()
    assert [c["id"] for c in options["allowCredentials"]] == [passkey.id]  # their own only
    before = client.session.session_key
    response = passkey_json(client, "otp_webauthn:credential-authentication-complete",
                            passkey.authenticate(options))
    assert response.status_code == 200, response.content
    assert client.session[DEVICE_ID_SESSION_KEY] == passkey.credential.persistent_id
    assert client.session.session_key != before
    assert client.get("/").status_code == 200


def test_a_passkey_is_never_instead_of_the_password(wmp_officer):
    passkey = give_passkey(wmp_officer)
    client = Client()
    assert passkey_json(client, "otp_webauthn:credential-authentication-begin").status_code == 302
    response = passkey_json(client, "otp_webauthn:credential-authentication-complete",
                            passkey.authenticate({"challenge": "AAAA", "rpId": "localhost"}))
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    assert client.get("/").status_code == 302


def test_another_person_s_passkey_does_not_pass(wmp_officer, wmp_lead):
    give_device(wmp_officer)
    theirs = give_passkey(wmp_lead)
    client = password_only(wmp_officer)
    options = passkey_json(client, "otp_webauthn:credential-authentication-begin").json()
    response = passkey_json(client, "otp_webauthn:credential-authentication-complete",
                            theirs.authenticate(options))
    assert response.json()["code"] == "credential_user_mismatch" and response.status_code == 403
    assert client.session.get(DEVICE_ID_SESSION_KEY) is None
    assert client.get("/").status_code == 302


def test_a_passkey_is_added_only_after_the_second_factor(wmp_officer,
                                                         django_capture_on_commit_callbacks):
    from django_otp_webauthn.models import WebAuthnCredential

    give_device(wmp_officer)
    half = password_only(wmp_officer)
    response = passkey_json(half, "otp_webauthn:credential-registration-begin")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    client = Client()
    client.force_login(wmp_officer)
    options = passkey_json(client, "otp_webauthn:credential-registration-begin").json()
    assert options["user"]["name"] == wmp_officer.email
    with django_capture_on_commit_callbacks(execute=True):
        response = passkey_json(client, "otp_webauthn:credential-registration-complete",
                                SoftPasskey("a new laptop").register(options))
    assert response.status_code == 200, response.content
    assert WebAuthnCredential.objects.get(pk=response.json()["id"]).user == wmp_officer
    assert "A passkey was added to your account" in mail.outbox[0].body


# --- the officers-only exemption -------------------------------------------------------------

def test_exemption_is_for_officers_only_and_needs_a_reason(coordinator, personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.update_partnership_settings(by=coordinator, officers_exempt_from_mfa=True,
                                             exemption_reason="  ")
    services.update_partnership_settings(
        by=coordinator, officers_exempt_from_mfa=True,
        exemption_reason="SCT officers cannot take phones into family homes")
    exempt = {p for p in PERSONAS[1:] if not mfa.required_for(personas[p])}
    assert exempt == {"wmp_officer", "health_officer"}
    officer_admin = UserFactory(role=Role.AGENCY_OFFICER, is_staff=True)
    assert mfa.required_for(officer_admin)
    # An exempt officer signs in with the password only...
    client = password_only(personas["wmp_officer"])
    assert client.get("/").status_code == 200
    # ...unless they have set up an app, which is then asked for.
    give_device(personas["health_officer"])
    other = password_only(personas["health_officer"])
    assert other.get("/")["Location"].startswith(VERIFY)


def test_the_exemption_is_set_on_the_settings_page_and_kept_in_history(client, coordinator,
                                                                       wmp_officer):
    client.force_login(coordinator)
    url = reverse("scsp:partnership_settings")
    refused = client.post(url, {"officers_exempt_from_mfa": "on", "exemption_reason": ""})
    assert refused.status_code == 200
    assert "Give the reason" in refused.content.decode()
    assert not PartnershipSettings.load().officers_exempt_from_mfa
    reason = "Officers of two agencies have no work phones until April"
    assert client.post(url, {"officers_exempt_from_mfa": "on",
                             "exemption_reason": reason}).status_code == 302
    page = client.get(url).content.decode()
    assert reason in page and coordinator.full_name in page
    record = PartnershipSettings.history.latest()
    assert record.history_user == coordinator and record.exemption_reason == reason
    history = client.get(reverse("scsp:change_history")).content.decode()
    assert "artnership settings" in history


def test_other_roles_cannot_change_the_settings(client, personas):
    for persona in PERSONAS[2:]:
        client.force_login(personas[persona])
        response = client.post(reverse("scsp:partnership_settings"),
                               {"officers_exempt_from_mfa": "on", "exemption_reason": "x"})
        assert response.status_code == 403, persona
    assert not PartnershipSettings.objects.exists()


def test_mfa_required_off_still_asks_those_with_an_app(settings, wmp_lead, wmp_officer):
    settings.MFA_REQUIRED = False
    assert password_only(wmp_lead).get("/").status_code == 200
    give_device(wmp_officer)
    assert password_only(wmp_officer).get("/")["Location"].startswith(VERIFY)


# --- reset by the co-ordinator ------------------------------------------------------------

def test_the_coordinator_resets_a_second_factor_with_an_e_mail_and_a_log_entry(
    client, coordinator, wmp_officer, django_capture_on_commit_callbacks
):
    give_device(wmp_officer)
    StaticDevice.objects.create(user=wmp_officer, name="Recovery codes")
    theirs = Client()
    theirs.force_login(wmp_officer)
    assert theirs.get("/").status_code == 200
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scsp:person_reset_second_factor", args=[wmp_officer.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=wmp_officer).exists()
    assert not StaticDevice.objects.filter(user=wmp_officer).exists()
    assert theirs.get("/")["Location"].startswith(ENROL)  # their session lost the factor
    assert [m.to for m in mail.outbox] == [[wmp_officer.email]]
    assert "reset by Carol Coordinator" in mail.outbox[0].body
    event = AccessEvent.objects.get(kind="second_factor", object_id=str(wmp_officer.pk))
    assert event.user == coordinator and event.detail == "second factor reset"


def test_only_the_coordinator_resets_a_second_factor(client, personas, wmp_officer):
    give_device(wmp_officer)
    for persona in ("chair", "scrutineer", "wmp_lead", "health_officer"):
        client.force_login(personas[persona])
        response = client.post(reverse("scsp:person_reset_second_factor", args=[wmp_officer.pk]))
        assert response.status_code == 403, persona
    assert TOTPDevice.objects.filter(user=wmp_officer, confirmed=True).exists()


def test_next_survives_the_steps_and_never_leaves_the_site(wmp_officer):
    device = give_device(wmp_officer)
    client = password_only(wmp_officer)
    target = "/actions/all/?rag=red&page=2"
    step = client.get(target)["Location"]
    assert step == f"{VERIFY}?next=%2Factions%2Fall%2F%3Frag%3Dred%26page%3D2"
    response = client.post(step, {"code": next_code(device), "next": target})
    assert response["Location"] == target
    other = password_only(wmp_officer)
    code = next_code(device)
    response = other.post(VERIFY, {"code": code, "next": "https://evil.example/"})
    assert response["Location"] == "/"
