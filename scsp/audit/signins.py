"""Signing in and out, in the access log: Django's auth signals (connected in
``ScspConfig.ready``) and the second-factor steps (``scsp.mfa``).

A failed sign-in names the account only when the address typed is a real one (who was being
tried), never what was typed: a password pasted into the e-mail box must not reach a log."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from scsp.audit.access import Kind, record_access


def signed_in(sender, request, user, **kwargs):
    record_access(user=user, kind=Kind.SIGN_IN, detail="password accepted", request=request)


def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record_access(user=user, kind=Kind.SIGN_OUT, request=request)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    from scsp.auth import normalise_email

    email = normalise_email((credentials or {}).get("username")
                            or (credentials or {}).get("email"))
    account = (get_user_model()._default_manager.filter(email__iexact=email).first()
               if email else None)
    locked = bool(getattr(request, "axes_locked_out", False))
    detail = ("refused: too many failures from this address" if locked else
              "wrong password for this account" if account else "unknown account or wrong "
              "password")
    event = record_access(user=None, kind=Kind.SIGN_IN_FAILED, detail=detail, request=request,
                          object_type=account._meta.label if account else "",
                          object_id=str(account.pk) if account else "",
                          label=account.email if account else "")
    return event
