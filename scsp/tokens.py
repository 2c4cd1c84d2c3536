"""The invitation link's token: Django's password-reset token, with its own salt (a reset link
is not an invitation and the other way round) and its own lifetime (``INVITATION_TIMEOUT_HOURS``
instead of ``PASSWORD_RESET_TIMEOUT``). Like a reset token it works once (it signs the
password hash, which setting a password changes) and is never stored: the e-mail task makes
it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "scsp.tokens.InvitationTokenGenerator"

    def check_token(self, user, token):
        """Django's check (signature, then age against ``PASSWORD_RESET_TIMEOUT``) made at the
        moment the token was made, then our own age limit."""
        try:
            ts = base36_to_int(str(token).split("-")[0])
        except ValueError:
            return False
        # Naive, as Django's own _now() is (the token counts seconds from 2001-01-01).
        made = dt.datetime(2001, 1, 1) + dt.timedelta(seconds=ts)  # noqa: DTZ001
        if self._num_seconds(self._now()) - ts > settings.INVITATION_TIMEOUT_HOURS * 3600:
            return False
        at_issue = _AtMoment(made)
        at_issue.secret, at_issue.secret_fallbacks = self.secret, self.secret_fallbacks
        return PasswordResetTokenGenerator.check_token(at_issue, user, token)


class _AtMoment(InvitationTokenGenerator):
    def __init__(self, moment):
        super().__init__()
        self.moment = moment

    def _now(self):
        return self.moment


invitation_token_generator = InvitationTokenGenerator()
