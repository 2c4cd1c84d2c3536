"""Signing in and out, passwords and invitations."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from scsp import accounts, mfa
from scsp.audit import Kind
from scsp.emails import enqueue_on_commit
from scsp.form_messages import FieldMessagesMixin
from scsp.forms import SignInForm
from scsp.tokens import invitation_token_generator


class SignInView(auth_views.LoginView):
    """The password step. The second factor follows (``scsp.mfa``); the lockout is axes'."""

    form_class = SignInForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Asks a worker to send the link (after commit) unless the account or the address has
    asked too often; the page that follows is the same in every case."""

    success_url = reverse_lazy("scsp:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if accounts.reset_allowed(self.request, email):
            from scsp.tasks import send_password_reset_task

            enqueue_on_commit(send_password_reset_task, email, keep=True)
        return redirect(self.success_url)


def password_changed(request, user) -> None:
    mfa.changed(person=user, by=user, request=request, label="password changed",
                kind=Kind.PASSWORD,
                heading=_("The password for your account was changed."))


class PasswordChangeView(FieldMessagesMixin, auth_views.PasswordChangeView):
    """Needs the current password; e-mails the person. Django's session hash ends their other
    sessions and ``update_session_auth_hash`` keeps this one."""

    success_url = reverse_lazy("scsp:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(self.request, form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password from a reset link; the person then signs in, second factor
    included (the reset never signs them in)."""

    success_url = reverse_lazy("scsp:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(self.request, form.user)
        return response


class InvitationView(auth_views.PasswordResetConfirmView):
    """An invited person sets their password from the link in their invitation (it works once,
    for ``INVITATION_TIMEOUT_HOURS``), then signs in and sets up their second factor."""

    template_name = "registration/invitation_confirm.html"
    token_generator = invitation_token_generator
    success_url = reverse_lazy("scsp:invitation_done")
    post_reset_login = False
    # The URL segment that stands in for the token after its first use (Django's pattern): not a secret.
    reset_url_token = "set-password"  # nosec B105

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and not user.has_usable_password() else None


class InvitationDoneView(auth_views.PasswordResetCompleteView):
    template_name = "registration/invitation_done.html"
