"""Signing in: by e-mail and password, behind django-axes' lockout.

What the lockout does (settings in ``scsp/settings.py``, README "Signing in"):

* Every failed sign-in is one django-axes ``AccessAttempt`` row per (account, address, browser)
  in the database. Failures are counted **per account and address**
  (``LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS``, 10) and **per address**
  (``LOGIN_FAILURES_PER_ADDRESS``, 20, higher: an office shares one address). When either count
  is reached, sign-in from there is refused, the right password included, for
  ``LOGIN_COOLOFF_MINUTES`` (15) after the last failure that counted.
* Refused attempts are not counted, so hammering a locked account does not extend the cool-off
  (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``).
* Nothing is keyed on the account alone: a stranger failing from another address cannot lock a
  named person out of their own address. Guessing from many addresses is what the second
  factor is for (SECURITY.md E2).
* Locked, unknown, inactive and wrong look the same: the sign-in page with one message, and a
  password hash is computed in every case so the time taken does not tell them apart.
* Each lockout is logged on ``scsp.security`` with the account and address.

The address comes from :func:`scsp.proxy.client_ip`. We subclass axes' backend and handler
only for the dummy hash and the two thresholds (axes has one limit for all parameters).
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_parameters, get_client_username
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpResponseForbidden
from django.utils import timezone
from django.utils.translation import gettext as _

security_log = logging.getLogger("scsp.security")


def normalise_email(value) -> str:
    return str(value or "").strip().lower()[:254]


def attempted_username(request, credentials) -> str | None:
    """The account a sign-in attempt was for, as axes records it (``AXES_USERNAME_CALLABLE``):
    lower-cased, so ``Officer@`` and ``officer@`` count together."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD)
    if value is None and request is not None and request.method == "POST":
        value = request.POST.get("username")
    return normalise_email(value) or None


def _dummy_hash(password) -> None:
    """Take as long as checking a real password."""
    get_user_model()().set_password(password or "")


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first in ``AUTHENTICATION_BACKENDS``: refuses a locked-out
    (account, address) or address before any password is checked, after the same hashing work
    a real check does."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username=normalise_email(username),
                                        password=password, **kwargs)
        except AxesBackendPermissionDenied:
            _dummy_hash(password)
            raise


class EmailBackend(ModelBackend):
    """Django's ModelBackend keyed on the e-mail address in any case. For an unknown address it
    hashes the password anyway (Django does), so unknown and wrong take the same time."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = normalise_email(username or kwargs.get(get_user_model().USERNAME_FIELD))
        if not email or password is None:
            return None
        return super().authenticate(request, username=email, password=password)

    def get_user(self, user_id):
        """The signed-in person with their agency, which nearly every page shows or scopes by
        (one query a request fewer)."""
        try:
            user = get_user_model()._default_manager.select_related("agency").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def lockout_limits() -> dict[tuple[str, ...], int]:
    """Lockout parameter -> the failures that lock it (``AXES_LOCKOUT_PARAMETERS``)."""
    return {("username", "ip_address"): settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
            ("ip_address",): settings.LOGIN_FAILURES_PER_ADDRESS}


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a threshold per lockout parameter.

    axes compares the largest count with one ``AXES_FAILURE_LIMIT``; here each count is first
    scaled to that limit by its own threshold (20 failures from an address weigh the same as
    10 for one account from it), so each parameter locks at its own threshold."""

    def get_failures(self, request, credentials=None) -> int:
        limit = settings.AXES_FAILURE_LIMIT
        username = get_client_username(request, credentials)
        params = get_client_parameters(username, request.axes_ip_address,
                                       request.axes_user_agent, request, credentials)
        worst = 0
        for filters, attempts in zip(params, self.get_user_attempts(request, credentials),
                                     strict=True):
            own = lockout_limits()[tuple(filters)]
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, count * limit // own)
        return worst


def lockout_response(request, original_response=None, credentials=None):
    """A locked-out attempt gets the page an ordinary failure gets (the sign-in form with its
    one message): nothing tells an attacker the account exists or is locked."""
    return original_response if original_response is not None else HttpResponseForbidden()


@receiver(user_locked_out)
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None:
        security_log.warning("sign-in locked out: account=%r ip=%s cool-off=%s min",
                             username, ip_address, settings.LOGIN_COOLOFF_MINUTES)
    else:
        security_log.info("sign-in refused during lockout: account=%r ip=%s",
                          username, ip_address)


def purge_sign_in_records(*, now: dt.datetime | None = None, keep_days: int | None = None) -> int:
    """Delete django-axes attempts and sign-in log rows older than ``SIGN_IN_RECORDS_KEEP_DAYS``.
    Returns how many rows went."""
    now = now or timezone.now()
    keep_days = settings.SIGN_IN_RECORDS_KEEP_DAYS if keep_days is None else keep_days
    cutoff = now - dt.timedelta(days=keep_days)
    total = 0
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        count, _ = model.objects.filter(attempt_time__lt=cutoff).delete()
        total += count
    return total


class ContextWordsValidator:
    """Refuse passwords built on the partnership's or the product's name."""

    words = ("sandwell", "scsp", "safeguarding", "scspreviews")

    def validate(self, password, user=None):
        folded = re.sub(r"[^a-z]", "", password.lower())
        for word in self.words:
            if word in folded and len(folded) - len(word) < 12:
                raise ValidationError(
                    _("Choose a password that is not built on the name of the partnership."),
                    code="password_context_word",
                )

    def get_help_text(self):
        return _("Your password must not be built on the name of the partnership.")


def keep_previous_sign_in(sender, request, user, **kwargs):
    """``user_logged_in`` receiver, run before Django's ``update_last_login`` (see
    ``ScspConfig.ready``): keep the sign-in before this one as ``previous_login``, which
    "Since your last visit" counts from. A plain UPDATE: bookkeeping, not a change to the
    person's record, so no history row."""
    previous = user.last_login
    get_user_model().objects.filter(pk=user.pk).update(previous_login=previous)
    user.previous_login = previous
