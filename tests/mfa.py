"""Second-factor helpers for tests.

* :class:`Client`: Django's test client whose ``force_login`` leaves a **fully verified**
  session (a confirmed authenticator app for the person, recorded in the session as django-otp
  does), so tests about pages keep testing the pages. ``password_only_login`` stops after the
  password, for tests about the second factor itself. The ``client`` fixture is one.
* :func:`give_device` and :func:`next_code`: a confirmed authenticator with a known secret and
  the code it would show, for tests (and browser journeys) that type the code.
* :class:`SoftPasskey` and :func:`give_passkey`: a passkey in software that answers the
  passkey steps' JSON as a browser would (:func:`passkey_json` posts it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import time

import cbor2
import django.test
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

#: The test authenticator's secret (hex, 20 bytes).
TEST_KEY = "3132333435363738393031323334353637383930"


def give_device(user) -> TOTPDevice:
    """The person's confirmed authenticator app (made with :data:`TEST_KEY` if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", key=TEST_KEY,
                                           confirmed=True)
    return device


def code_at(device: TOTPDevice, t: int) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = device.t0 + t * device.step
    return str(totp.token()).zfill(device.digits)


def next_code(device: TOTPDevice) -> str:
    """A code the device will accept now: the current one, or the next step's if the current
    one was used already (a code works once)."""
    while True:
        device.refresh_from_db()
        now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
        candidate = max(now, device.last_t + 1)
        if candidate <= now + device.tolerance:
            return code_at(device, candidate)
        time.sleep(1)  # both usable codes were used in this 30-second step; wait for the next


def verify_session(client, user) -> None:
    """Record in ``client``'s session that ``user`` passed the second factor."""
    device = give_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class Client(django.test.Client):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        verify_session(self, user)

    def password_only_login(self, user, backend=None):
        super().force_login(user, backend)


# --- passkeys ---------------------------------------------------------------------------------

_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftPasskey:
    """A passkey in software (an authenticator with no attestation, as a phone or laptop
    offers): answers django-otp-webauthn's registration and sign-in options as the browser
    and the authenticator would, so tests walk the real JSON steps. The key is made from
    ``seed``: the same seed is the same passkey in every test and process."""

    def __init__(self, seed: str, *, sign_count: int = 0):
        digest = hashlib.sha256(f"scsp test passkey: {seed}".encode()).digest()
        self.key = ec.derive_private_key(int.from_bytes(digest, "big") % (_P256_ORDER - 1) + 1,
                                         ec.SECP256R1())
        self.credential_id = hashlib.sha256(f"credential id: {seed}".encode()).digest()[:16]
        self.sign_count = sign_count

    @property
    def id(self) -> str:
        """The credential's id as the browser gives it (base64url)."""
        return _b64url(self.credential_id)

    def public_key(self) -> bytes:
        """The public key as COSE (EC2, P-256, ES256), as the authenticator reports it."""
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, options: dict, origin: str | None) -> bytes:
        origin = origin or settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0]
        return json.dumps({"type": kind, "challenge": options["challenge"], "origin": origin,
                           "crossOrigin": False}).encode()

    def _authenticator_data(self, rp_id: str, flags: int, extra: bytes = b"") -> bytes:
        return (hashlib.sha256(rp_id.encode()).digest() + bytes([flags])
                + self.sign_count.to_bytes(4, "big") + extra)

    def register(self, options: dict, *, origin: str | None = None) -> dict:
        """The browser's answer to the registration options (``navigator.credentials.create``)."""
        excluded = {c["id"] for c in options.get("excludeCredentials", [])}
        assert self.id not in excluded, "this passkey is registered already"
        attested = (bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id
                    + self.public_key())
        auth_data = self._authenticator_data(options["rp"]["id"], 0x45, attested)  # UP UV AT
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {"id": self.id, "rawId": self.id,
                "type": "public-key", "authenticatorAttachment": "platform",
                "response": {"clientDataJSON": _b64url(self._client_data("webauthn.create",
                                                                         options, origin)),
                             "attestationObject": _b64url(attestation),
                             "transports": ["internal"]},
                "clientExtensionResults": {"credProps": {"rk": True}}}

    def authenticate(self, options: dict, *, origin: str | None = None) -> dict:
        """The browser's answer to the sign-in options (``navigator.credentials.get``)."""
        self.sign_count += 1
        auth_data = self._authenticator_data(options["rpId"], 0x05)  # UP UV
        client_data = self._client_data("webauthn.get", options, origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(),
                                  ec.ECDSA(hashes.SHA256()))
        return {"id": self.id, "rawId": self.id,
                "type": "public-key", "authenticatorAttachment": "platform",
                "response": {"clientDataJSON": _b64url(client_data),
                             "authenticatorData": _b64url(auth_data),
                             "signature": _b64url(signature)},
                "clientExtensionResults": {}}


def give_passkey(user, name: str = "Work laptop") -> SoftPasskey:
    """The person's confirmed passkey, registered with the site as if they had added it
    (made from their e-mail address if they have none); its software authenticator."""
    from django_otp_webauthn.models import WebAuthnCredential

    passkey = SoftPasskey(user.email)
    credential, _made = WebAuthnCredential.objects.get_or_create(
        credential_id_sha256=hashlib.sha256(passkey.credential_id).hexdigest(),
        defaults={"user": user, "name": name, "confirmed": True,
                  "credential_id": passkey.credential_id, "public_key": passkey.public_key(),
                  "aaguid": "00000000-0000-0000-0000-000000000000", "sign_count": 0,
                  "transports": ["internal"], "discoverable": True})
    passkey.sign_count = credential.sign_count
    passkey.credential = credential
    return passkey


def passkey_json(client, name: str, data: dict | None = None):
    """POST ``data`` as JSON to the passkey step ``name`` (``otp_webauthn:...``), as the
    site's script does."""
    from django.urls import reverse

    return client.post(reverse(name), data or {}, content_type="application/json")
