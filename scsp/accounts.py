"""E-mails about a person's account that carry a link token: password reset and invitation.

Both are sent by a Celery task enqueued after commit, so the web request never waits on SMTP
and looks the same whether the address is known or not; the token is made in the task and
never stored. Links are built from ``SITE_URL``, never from the request's Host header.
Password-reset requests are rate-limited per account and per address (:func:`reset_allowed`).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from scsp.models import User
from scsp.proxy import client_ip
from scsp.ratelimit import hit
from scsp.tokens import invitation_token_generator

security_log = logging.getLogger("scsp.security")


def reset_allowed(request, email: str) -> bool:
    """Count a reset request against its account and its address; False when either is over
    its hourly limit (``PASSWORD_RESET_PER_ACCOUNT`` / ``_PER_ADDRESS``)."""
    window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    ip = client_ip(request) or "unknown"
    by_address = hit("reset-ip", ip, limit=settings.PASSWORD_RESET_PER_ADDRESS, window=window)
    by_account = hit("reset-account", email.strip().lower(),
                     limit=settings.PASSWORD_RESET_PER_ACCOUNT, window=window)
    if not (by_address and by_account):
        security_log.warning("password reset request over the limit: account=%r ip=%s",
                             email[:254], ip)
        return False
    return True


def send_password_reset(email: str) -> int:
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    site = urlsplit(settings.SITE_URL)
    form.save(
        domain_override=site.netloc, use_https=site.scheme == "https",
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.txt",
        extra_email_context={"site_url": settings.SITE_URL},
    )
    return len(users)


def send_invitation_email(user_id: int) -> bool:
    person = User.objects.select_related("agency").filter(pk=user_id, is_active=True).first()
    if person is None or person.has_usable_password():
        return False
    context = {
        "person": person, "site_url": settings.SITE_URL,
        "uid": urlsafe_base64_encode(force_bytes(person.pk)),
        "token": invitation_token_generator.make_token(person),
        "hours": settings.INVITATION_TIMEOUT_HOURS,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("emails/invitation_subject.txt", context).strip(),
        body=render_to_string("emails/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[person.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.send(fail_silently=False)
    return True
