"""Signing in and out, passwords."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from scsp.forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links are built from SITE_URL, never from the request's Host header."""

    email_template_name = "registration/password_reset_email.txt"
    success_url = reverse_lazy("scsp:password_reset_done")

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL}
