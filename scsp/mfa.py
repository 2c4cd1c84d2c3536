"""The second factor: who needs it, whether this session has passed it, and its changes.

Built on django-otp (``otp_totp`` authenticator apps, ``otp_static`` one-use recovery codes) and
django-otp-webauthn (passkeys and security keys); no cryptography is ours. The flow:

1. The password (the sign-in page). 2. A person with a confirmed device gets "Check it's you"
(a 6-digit code, a recovery code or a passkey); one without gets the enrolment page (a QR code
and the secret as text, confirmed with a code), then 10 recovery codes shown once. Passing
either calls ``django_otp.login`` and gives the session a new key.

:class:`SecondFactorMiddleware` (after django-otp's ``OTPMiddleware``) sends a signed-in person
who has not passed it to the right step from every page except the views marked
:func:`second_factor_not_required` (sign-out, the steps themselves) and the public pages
(:func:`is_public`: every view marked ``@login_not_required``, such as sign-in, password
reset, the invitation, ``/healthz``, the accessibility statement and the glossary; the one
list of public pages is those marks). The admin site is behind it too.

**Who needs it** (:func:`required_for`): everyone while ``MFA_REQUIRED`` is on (the default in
every environment), except agency officers while the partnership settings exempt them with a
recorded reason. Leads, the business unit and administrators are never exempt. Someone exempt
who has set up a device is still asked for it.

**Throttling** of wrong codes is django-otp's own: after each wrong code in a row a device
refuses every code for 1, 2, 4, 8 ... seconds (``OTP_TOTP_THROTTLE_FACTOR``; after 10 wrong
codes, 8.5 minutes), refused tries do not extend it, and a right code resets it. A TOTP code is
accepted once only (django-otp keeps the last time step used); a recovery code is deleted when
used.

Every change (set up, replaced, new recovery codes, passkey added or removed, reset by the
co-ordinator) e-mails the person through the outbox and is written to the access log.
"""

from __future__ import annotations

import base64
import logging
import re
import uuid
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from scsp.audit import Kind, client_ip, record_access
from scsp.emails import queue_notice
from scsp.models import PartnershipSettings
from scsp.permissions import Ability, may, require

security_log = logging.getLogger("scsp.security")

#: The session holds this while freshly made recovery codes may be shown (once).
SHOW_CODES = "_scsp_show_recovery_codes"
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


# --- who needs it -----------------------------------------------------------------------------

def may_be_exempt(user) -> bool:
    """Only agency officers may ever be exempt; never leads, the business unit or admins."""
    return may(user, Ability.SKIP_SECOND_FACTOR) and not user.is_staff and not user.is_superuser


def required_for(user) -> bool:
    if not settings.MFA_REQUIRED:
        return False
    if not may_be_exempt(user):
        return True
    return not PartnershipSettings.load().officers_exempt_from_mfa


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def passkeys(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def has_second_factor(user) -> bool:
    """An authenticator app or a passkey (recovery codes alone are a way back in, not a
    factor to enrol with)."""
    return (TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            or passkeys(user).exists())


def passed(request) -> bool:
    """Whether this signed-in session may use the site: the second factor done, or not needed
    and not set up."""
    cached = getattr(request, "_scsp_mfa_passed", None)
    if cached is None:
        user = request.user
        is_verified = getattr(user, "is_verified", None)  # set by django-otp's middleware
        cached = bool((is_verified is not None and is_verified())
                      or (not has_second_factor(user) and not required_for(user)))
        request._scsp_mfa_passed = cached
    return cached


def next_step(request) -> str:
    """The URL of the step this session needs next."""
    name = "scsp:mfa_verify" if has_second_factor(request.user) else "scsp:mfa_enrol"
    url = reverse(name)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return url


def is_public(view_func, *, is_admin: bool = False) -> bool:
    """A page anyone may open, signed in or not, before the second factor too: a view marked
    ``@login_not_required`` (Django's own mark, which ``LoginRequiredMiddleware`` reads). The
    admin's own sign-in page is not one: the admin is reached through ours."""
    return not is_admin and not getattr(view_func, "login_required", True)


def second_factor_not_required(view_func):
    """Mark a view a signed-in person may use before the second factor (sign-out, the steps)."""
    view_func.second_factor_required = False
    return view_func


class SecondFactorMiddleware:
    """Sends a signed-in person who has not passed the second factor to the step they need."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "second_factor_required", True):
            return None
        match = request.resolver_match
        is_admin = match is not None and match.app_name == "admin"
        if is_public(view_func, is_admin=is_admin):
            return None
        if not request.user.is_authenticated:
            if is_admin:  # the admin signs in through our sign-in page, never its own
                return redirect_to_login(request.get_full_path())
            return None
        if passed(request):
            return None
        return redirect(next_step(request))


# --- the steps ----------------------------------------------------------------------------------

#: How a second factor was passed, for the access log.
METHODS = {"TOTPDevice": "authenticator app", "StaticDevice": "recovery code",
           "WebAuthnCredential": "passkey"}


def complete_sign_in(request, device) -> None:
    """The second factor is done: remember the device in the session and change its key."""
    otp_login(request, device)
    request.session.cycle_key()
    request._scsp_mfa_passed = True
    security_log.info("second factor passed: user=%s ip=%s method=%s", request.user.pk,
                      client_ip(request), type(device).__name__)
    record_access(user=request.user, kind=Kind.SIGN_IN, request=request,
                  detail=f"second factor passed ({METHODS.get(type(device).__name__, 'other')})")


def verify_code(request, code: str) -> str | None:
    """Check a 6-digit code or a recovery code for the signed-in person. Returns None when it
    was right (the session is then verified), else the message to show."""
    user = request.user
    code = re.sub(r"[\s-]", "", code or "").lower()
    device = totp_device(user) if re.fullmatch(r"\d{6}", code) else recovery_device(user)
    if device is None:
        security_log.info("second factor refused (no such device): user=%s ip=%s", user.pk,
                          client_ip(request))
        record_access(user=user, kind=Kind.SIGN_IN_FAILED, request=request,
                      detail="second factor: wrong code")
        return _("That code is not right. Check it and try again.")
    allowed, info = device.verify_is_allowed()
    if not allowed:
        security_log.warning("second factor throttled: user=%s ip=%s failures=%s", user.pk,
                             client_ip(request), (info or {}).get("failure_count"))
        record_access(user=user, kind=Kind.SIGN_IN_FAILED, request=request,
                      detail="second factor: too many wrong codes, refused")
        return _("You have entered too many wrong codes. Wait a few minutes, then try again.")
    verified = verify_token(user, device.persistent_id, code)
    if verified is None:
        security_log.warning("second factor refused: user=%s ip=%s", user.pk, client_ip(request))
        record_access(user=user, kind=Kind.SIGN_IN_FAILED, request=request,
                      detail="second factor: wrong code")
        return _("That code is not right. Check it and try again.")
    complete_sign_in(request, verified)
    return None


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def qr_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code as an SVG data URI (drawn here, no outside service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage,
                        box_size=10, border=4)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_totp(request, device: TOTPDevice, code: str) -> bool:
    """Confirm the authenticator being set up with a code from it. On success it replaces any
    earlier authenticator, the session is verified with it, and (at first enrolment) recovery
    codes are made. Returns whether the code was right."""
    user = request.user
    code = re.sub(r"\s", "", code or "")
    if device.user_id != user.pk or device.confirmed or not device.verify_token(code):
        security_log.info("authenticator set-up code refused: user=%s ip=%s", user.pk,
                          client_ip(request))
        return False
    replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    complete_sign_in(request, device)
    if replacing:
        changed(person=user, by=user, request=request, label="second factor changed: "
                "authenticator replaced", heading=_("Your authenticator app was replaced."))
    else:
        changed(person=user, by=user, request=request, label="second factor changed: "
                "authenticator set up", heading=_("An authenticator app was set up for "
                                                   "signing in to your account."))
    if recovery_device(user) is None:
        new_recovery_codes(request, announce=False)
    return True


@transaction.atomic
def new_recovery_codes(request, *, announce: bool = True) -> StaticDevice:
    """Replace the person's recovery codes with ``MFA_RECOVERY_CODES`` new ones, shown once."""
    user = request.user
    device = recovery_device(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    device.token_set.all().delete()
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=StaticToken.random_token())
         for _i in range(settings.MFA_RECOVERY_CODES)])
    request.session[SHOW_CODES] = device.pk
    if announce:
        changed(person=user, by=user, request=request,
                label="second factor changed: new recovery codes",
                heading=_("New recovery codes were made for your account; the old ones no "
                          "longer work."))
    return device


def codes_to_show(request) -> list[str]:
    """The fresh recovery codes while they may still be shown, else nothing."""
    pk = request.session.get(SHOW_CODES)
    if not pk:
        return []
    return list(StaticToken.objects.filter(device_id=pk, device__user=request.user)
                .order_by("id").values_list("token", flat=True))


@transaction.atomic
def remove_passkey(request, credential: WebAuthnCredential) -> None:
    name = credential.name or _("a passkey")
    credential.delete()
    changed(person=request.user, by=request.user, request=request,
            label="second factor changed: passkey removed",
            heading=_("The passkey “%(name)s” was removed from your account.") % {"name": name})


def passkey_added(request, credential) -> None:
    changed(person=request.user, by=request.user, request=request,
            label="second factor changed: passkey added",
            heading=_("A passkey was added to your account."))


@transaction.atomic
def reset_second_factor(*, by, person, request=None) -> int:
    """The co-ordinator (or an administrator) removes every device of ``person``: their next
    sign-in asks them to set up an authenticator again. Their current sessions lose the second
    factor at once. Returns how many devices went."""
    if not getattr(by, "is_superuser", False):
        require(by, Ability.MANAGE_PEOPLE)
    count = 0
    for device in list(devices_for_user(person, confirmed=None)):
        device.delete()
        count += 1
    changed(person=person, by=by, request=request,
            label="second factor reset",
            heading=_("Your second factor was reset by %(name)s. Next time you sign in you "
                      "will set up an authenticator app again.") % {"name": by.full_name})
    security_log.warning("second factor reset: person=%s by=%s", person.pk, by.pk)
    return count


def changed(*, person, by, request, label: str, heading: str,
            kind: str = Kind.SECOND_FACTOR) -> None:
    """Record a change to someone's sign-in security in the access log and e-mail them."""
    record_access(user=by, kind=kind, obj=person, label=person.email, detail=label,
                  request=request)
    now = timezone.localtime()
    queue_notice(
        recipient=person, key=f"security:{uuid.uuid4().hex}", template="notice",
        subject=_("SCSP Reviews: your sign-in security changed"),
        today=now.date(),
        context={"heading": heading,
                 "lines": [_("When: %(when)s") % {"when": now.strftime("%d %b %Y at %H:%M")},
                           _("If this was not you, tell the partnership business unit at once.")],
                 "link_path": reverse("scsp:security")},
    )


def session_device_id(request) -> str | None:
    return request.session.get(DEVICE_ID_SESSION_KEY)
