"""Signing in: by e-mail, with failed attempts throttled per account and per client address."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from scsp.audit import client_ip
from scsp.models import LoginFailure

security_log = logging.getLogger("scsp.security")


def _window_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(minutes=settings.LOGIN_THROTTLE_WINDOW_MINUTES)


def is_throttled(*, email: str, ip: str | None, now: dt.datetime) -> bool:
    """True when the account or the address has failed too often in the window. While it is,
    even the right password is refused with the same message, so guessing gains nothing."""
    since = _window_start(now)
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(email=email).count() >= settings.LOGIN_THROTTLE_PER_ACCOUNT:
        return True
    return bool(ip) and recent.filter(ip_address=ip).count() >= settings.LOGIN_THROTTLE_PER_IP


class ThrottledEmailBackend(ModelBackend):
    """ModelBackend keyed on the e-mail address, refusing throttled accounts and addresses."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = (username or kwargs.get(get_user_model().USERNAME_FIELD) or "").strip().lower()
        if not email or password is None:
            return None
        now = timezone.now()
        ip = client_ip(request)
        if is_throttled(email=email, ip=ip, now=now):
            # Run the hasher anyway so a throttled attempt takes as long as a real one.
            get_user_model()().set_password(password)
            security_log.warning("sign-in throttled: account=%r ip=%s", email, ip)
            LoginFailure.objects.create(email=email, ip_address=ip, at=now)
            return None
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if user is None:
            LoginFailure.objects.create(email=email, ip_address=ip, at=now)
            security_log.info("sign-in failed: account=%r ip=%s", email, ip)
            return None
        LoginFailure.objects.filter(email=email).delete()
        return user

    def get_user(self, user_id):
        """The signed-in person with their agency, which nearly every page shows or scopes by
        (one query a request fewer)."""
        try:
            user = get_user_model()._default_manager.select_related("agency").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


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
