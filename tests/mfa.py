"""Second-factor helpers for tests.

* :class:`Client`: Django's test client whose ``force_login`` leaves a **fully verified**
  session (a confirmed authenticator app for the person, recorded in the session as django-otp
  does), so tests about pages keep testing the pages. ``password_only_login`` stops after the
  password, for tests about the second factor itself. The ``client`` fixture is one.
* :func:`give_device` and :func:`next_code`: a confirmed authenticator with a known secret and
  the code it would show, for tests (and browser journeys) that type the code.
"""

from __future__ import annotations

import time

import django.test
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
