"""POST entries for the partnership core: signing in and out, passwords, invitations, the
second factor, learning themes, People and the partnership settings.

The sign-in and password pages are the account engineers' (second factor, lock-out, reset);
their entries say only what the walk needs: who may post, and what may change.

The second factor's steps and passkeys act on the signed-in person's own account: every
signed-in persona may use them, for their own devices only (a passkey is removed by its owner
alone; the others get 404). The walk's personas have passed the second factor (``client_for``),
so "Check it's you" and the set-up step send them on and change nothing; what a session with
the password only can do is tested in ``tests/scsp/test_mfa.py``. People and the partnership
settings are the co-ordinator's (``MANAGE_PEOPLE``, ``MANAGE_SETTINGS``)."""

from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from scsp import mfa
from scsp.models import AccessEvent, PartnershipSettings, Role, User
from scsp.permissions import Ability
from scsp.tokens import invitation_token_generator
from tests.factories import PASSWORD, UserFactory
from tests.matrix import PERSONAS
from tests.matrix.posting import Post
from tests.mfa import SoftPasskey, give_device, give_passkey, next_code

SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")
NEW_PASSWORD = "a much longer passphrase 2027"
#: A change to someone's sign-in security e-mails them (an outbox notice).
NOTICE = {"scsp.Reminder": "+"}


def build_world(world, personas):
    wmp = personas["wmp_officer"].agency
    invited = UserFactory(email="invited@wmp.test", full_name="Ivy Invited", agency=wmp)
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    world["invited"] = invited
    world["leaver"] = UserFactory(email="leaver@wmp.test", full_name="Len Leaver", agency=wmp)
    lost_phone = UserFactory(email="lost.phone@wmp.test", full_name="Pat Lostphone", agency=wmp)
    give_device(lost_phone)
    give_recovery_codes(lost_phone)
    give_passkey(lost_phone)
    world["lost_phone"] = lost_phone
    world["passkey"] = give_passkey(personas["wmp_officer"]).credential


def give_recovery_codes(user) -> StaticDevice:
    """The recovery codes everyone has after setting up their authenticator."""
    device, made = StaticDevice.objects.get_or_create(user=user, name=mfa.RECOVERY_NAME,
                                                      defaults={"confirmed": True})
    if made:
        StaticToken.objects.bulk_create(
            [StaticToken(device=device, token=StaticToken.random_token()) for _i in range(10)])
    return device


def _signed_in_as(email):
    def check(world, user, response):
        from django.contrib.auth import get_user

        assert response["Location"] != "/accounts/sign-in/"
        assert get_user(response.wsgi_request).email == email
    return check


def _sent_to(path):
    def check(world, user, response):
        assert response["Location"].split("?")[0] == path, response["Location"]
    return check


# --- the invitation: the link opened, then the password set --------------------------------

def _invitation_link(world, user, client):
    person = world["invited"]
    token = invitation_token_generator.make_token(person)
    # The link in the e-mail: the token goes into the session, the address loses it.
    response = client.get(reverse("scsp:invitation", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(person.pk)), "token": token}))
    assert response.status_code == 302, response.status_code


def _password_set(world, user, response):
    person = User.objects.get(pk=world["invited"].pk)
    assert person.check_password(NEW_PASSWORD)
    assert response["Location"] == reverse("scsp:invitation_done")


# --- the second factor: the person's own devices ------------------------------------------

def _new_authenticator(world, user, client):
    """The replacement being set up (the page shows its QR code) and the code it shows."""
    if user is None:
        return {"code": "123456"}
    give_recovery_codes(user)
    return {"code": next_code(mfa.pending_totp(user))}


def _authenticator_replaced(world, user, response):
    devices = TOTPDevice.objects.filter(user=user)
    assert devices.count() == 1 and devices.get().confirmed
    assert response.wsgi_request.session[DEVICE_ID_SESSION_KEY] == devices.get().persistent_id


def _new_codes(world, user, client):
    client.post(reverse("scsp:recovery_codes_new"))  # the codes are on the page, once


def _codes_forgotten(world, user, response):
    assert mfa.SHOW_CODES not in response.wsgi_request.session
    assert response["Location"] == "/"


def _ten_new_codes(world, user, response):
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert response.wsgi_request.session[mfa.SHOW_CODES]


def _passkey_removed(world, user, response):
    assert not WebAuthnCredential.objects.filter(pk=world["passkey"].pk).exists()


def _json_step(begin):
    """Begin a passkey ceremony as the site's script does; the options it answers."""
    def options(client):
        response = client.post(reverse(begin), {}, content_type="application/json")
        return response.json() if response.status_code == 200 else None
    return options


_registration_options = _json_step("otp_webauthn:credential-registration-begin")
_authentication_options = _json_step("otp_webauthn:credential-authentication-begin")
#: What a forger without a session sends: a well-formed answer to a challenge never given.
_STALE = {"challenge": "c3RhbGU", "rpId": "localhost", "rp": {"id": "localhost"}}


def _new_passkey(world, user, client):
    options = _registration_options(client) or _STALE
    return SoftPasskey(f"a new laptop for {user.email if user else 'nobody'}").register(options)


def _passkey_added(world, user, response):
    credential = WebAuthnCredential.objects.get(pk=response.json()["id"])
    assert credential.user == user and credential.confirmed


def _has_passkey(world, user, client):
    if user is not None:
        give_passkey(user)


def _own_passkey_answer(world, user, client):
    passkey = give_passkey(user) if user else SoftPasskey("nobody")
    return passkey.authenticate(_authentication_options(client) or _STALE)


def _passed_with_passkey(world, user, response):
    credential = give_passkey(user).credential
    assert response.wsgi_request.session[DEVICE_ID_SESSION_KEY] == credential.persistent_id


def _registration_for_self(world, user, response):
    options = response.json()
    assert options["user"]["name"] == user.email and options["challenge"]


def _own_passkeys_only(world, user, response):
    options = response.json()
    ids = {c["id"] for c in options["allowCredentials"]}
    own = {SoftPasskey(c.user.email).id for c in mfa.passkeys(user)}
    assert ids == own, (ids, own)


# --- People and the partnership settings --------------------------------------------------

def _invited(world, user, response):
    person = User.objects.get(email="nina.new@wmp.test")
    assert (person.agency_id, person.role) == (world["invited"].agency_id, Role.AGENCY_LEAD)
    assert not person.has_usable_password() and not person.is_staff
    assert response["Location"] == reverse("scsp:person_detail", args=[person.pk])


def _deactivated(world, user, response):
    assert not User.objects.get(pk=world["leaver"].pk).is_active


def _factors_gone(world, user, response):
    person = world["lost_phone"]
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    assert not WebAuthnCredential.objects.filter(user=person).exists()


def _invitation_sent_again(world, user, response):
    assert AccessEvent.objects.filter(user=user, object_id=str(world["invited"].pk),
                                      label="invitation sent again").exists()


def _officers_exempt(world, user, response):
    settings = PartnershipSettings.load()
    assert settings.officers_exempt_from_mfa and settings.changed_by == user
    assert settings.exemption_reason == "Officers share one phone on each shift."


POSTS = [
    Post("scsp:login", allowed=("anonymous",),
         data=lambda w, u: {"username": "officer@wmp.test", "password": PASSWORD},
         writes={"scsp.User": "last_login"}, check=_signed_in_as("officer@wmp.test"),
         note="signed-in people are sent on to their home page (302) and nothing changes"),
    Post("scsp:logout", allowed=SIGNED_IN, form=False, changes=(),
         note="only the session ends (sessions are not compared)"),
    Post("scsp:password_change", allowed=SIGNED_IN,
         data=lambda w, u: {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                            "new_password2": NEW_PASSWORD},
         writes={"scsp.User": "password", "scsp.Reminder": "+"},
         note="the person is e-mailed that their password changed (an outbox notice)"),
    Post("scsp:password_reset", allowed=("anonymous", *SIGNED_IN),
         data=lambda w, u: {"email": "officer@wmp.test"}, changes=(),
         note="sends a link by e-mail; reset links are signed, nothing is stored"),
    Post("scsp:password_reset_confirm", read_only=True,
         kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
         note="an invalid link: the 'link has expired' page, whatever is posted"),
    Post("scsp:theme_create", ability=Ability.MANAGE_DIRECTORY,
         allowed=("coordinator",),
         data=lambda w, u: {"name": "Fathers and male carers",
                            "description": "Seeing the men in a child's life."},
         writes={"scsp.Theme": "+"}),
    Post("scsp:theme_update", ability=Ability.MANAGE_DIRECTORY,
         allowed=("coordinator",), kwargs=lambda w: {"pk": w["theme"].pk},
         data=lambda w, u: {"description": "Neglect, including chronic neglect."},
         writes={"scsp.Theme": "description"}),
    Post("scsp:invitation", allowed=PERSONAS,
         kwargs=lambda w: {"uidb64": urlsafe_base64_encode(force_bytes(w["invited"].pk)),
                           "token": "set-password"},
         prepare=_invitation_link,
         data=lambda w, u: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
         writes={"scsp.User": "password"}, check=_password_set,
         note="whoever holds the link (it is the credential): the invited person's password "
              "is set; an expired link changes nothing (password_reset_confirm's entry)"),
    # The second factor's steps, for the person's own account.
    Post("scsp:mfa_verify", allowed=SIGNED_IN, form=False, changes=(),
         data=lambda w, u: {"code": "000000", "next": "/actions/"},
         check=_sent_to("/actions/"),
         note="already verified: sent on, the code not even read (a wrong one would count)"),
    Post("scsp:mfa_enrol", allowed=SIGNED_IN, form=False, changes=(),
         data=lambda w, u: {"code": "000000"}, check=_sent_to("/accounts/security/"),
         note="an authenticator is set up already: sent to sign-in and security"),
    Post("scsp:replace_authenticator", allowed=SIGNED_IN, prepare=_new_authenticator,
         writes={"otp_totp.TOTPDevice": "confirmed last_t last_used_at -", **NOTICE},
         check=_authenticator_replaced,
         note="the new app confirmed with its code; the old one removed; the person e-mailed"),
    Post("scsp:recovery_codes", allowed=SIGNED_IN, prepare=_new_codes, changes=(),
         check=_codes_forgotten, note="'I have saved my codes': the page forgets them"),
    Post("scsp:recovery_codes_new", allowed=SIGNED_IN, form=False,
         writes={"otp_static.StaticDevice": "+", "otp_static.StaticToken": "+ -", **NOTICE},
         changes=("otp_static.StaticToken",), check=_ten_new_codes),
    Post("scsp:passkey_remove", allowed=("wmp_officer",), form=False,
         kwargs=lambda w: {"pk": w["passkey"].pk},
         denied={p: 404 for p in SIGNED_IN if p != "wmp_officer"},
         writes={"django_otp_webauthn.WebAuthnCredential": "-", **NOTICE},
         check=_passkey_removed, note="WMP's officer's passkey: nobody else's to remove (404)"),
    Post("otp_webauthn:credential-registration-begin", allowed=SIGNED_IN, form=False,
         json=True, ok=200, writes={"django_otp_webauthn.WebAuthnUserHandle": "+"},
         changes=(), check=_registration_for_self,
         note="the options for the person's own account (their WebAuthn user handle is made "
              "the first time); the ceremony is kept in the session"),
    Post("otp_webauthn:credential-registration-complete", allowed=SIGNED_IN, form=False,
         json=True, ok=200, prepare=_new_passkey,
         writes={"django_otp_webauthn.WebAuthnCredential": "+",
                 "django_otp_webauthn.WebAuthnAttestation": "+", **NOTICE},
         check=_passkey_added, note="a software passkey answers the ceremony begun first"),
    Post("otp_webauthn:credential-authentication-begin", allowed=SIGNED_IN, form=False,
         json=True, ok=200, prepare=_has_passkey, changes=(),
         check=_own_passkeys_only, note="offers the person's own passkeys only"),
    Post("otp_webauthn:credential-authentication-complete", allowed=SIGNED_IN, form=False,
         json=True, ok=200, prepare=_own_passkey_answer,
         writes={"django_otp_webauthn.WebAuthnCredential": "sign_count last_used_at"},
         check=_passed_with_passkey,
         note="the person's own passkey signs the challenge: the session is verified with it"),
    # People and the partnership settings: the co-ordinator's.
    Post("scsp:person_invite", ability=Ability.MANAGE_PEOPLE, allowed=("coordinator",),
         data=lambda w, u: {"full_name": "Nina New", "email": "nina.new@wmp.test",
                            "agency": str(w["invited"].agency_id),
                            "role": Role.AGENCY_LEAD, "job_title": "Detective Inspector"},
         writes={"scsp.User": "+"}, check=_invited,
         note="the invitation e-mail goes after commit (a task); its link is made there"),
    Post("scsp:person_active", ability=Ability.MANAGE_PEOPLE, allowed=("coordinator",),
         kwargs=lambda w: {"pk": w["leaver"].pk},
         data=lambda w, u: {"reason": "Left the agency on 30 April."},
         writes={"scsp.User": "is_active"}, check=_deactivated,
         note="their sessions end too (sessions are not compared)"),
    Post("scsp:person_reset_second_factor", ability=Ability.MANAGE_PEOPLE,
         allowed=("coordinator",), form=False, kwargs=lambda w: {"pk": w["lost_phone"].pk},
         writes={"otp_totp.TOTPDevice": "-", "otp_static.StaticDevice": "-",
                 "otp_static.StaticToken": "-", "django_otp_webauthn.WebAuthnCredential": "-",
                 **NOTICE},
         changes=("otp_totp.TOTPDevice", "otp_static.StaticDevice",
                  "django_otp_webauthn.WebAuthnCredential"),
         check=_factors_gone),
    Post("scsp:person_invite_again", ability=Ability.MANAGE_PEOPLE, allowed=("coordinator",),
         form=False, kwargs=lambda w: {"pk": w["invited"].pk}, changes=(),
         check=_invitation_sent_again,
         note="the e-mail goes after commit (a task); the access log (not compared) says so"),
    Post("scsp:partnership_settings", ability=Ability.MANAGE_SETTINGS,
         allowed=("coordinator",),
         data=lambda w, u: {"officers_exempt_from_mfa": "on",
                            "exemption_reason": "Officers share one phone on each shift."},
         writes={"scsp.PartnershipSettings": "officers_exempt_from_mfa exemption_reason "
                                             "changed_by changed_at +"},
         check=_officers_exempt),
    Post("scsp:session", allowed=SIGNED_IN, form=False, json=True, changes=(), ok=200,
         denied={"anonymous": 403},
         note="'Stay signed in': only the session's idle clock restarts (JSON answer); with no "
              "session to extend, 403 (JSON, signed_in false)"),
]
