"""The second factor's pages: "Check it's you", setting up an authenticator, recovery codes,
the person's "Sign-in and security" page and the passkey steps. The rules are in
``scsp/mfa.py``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from django_otp_webauthn import exceptions as webauthn_errors
from django_otp_webauthn import views as webauthn_views

from scsp import mfa
from scsp.form_messages import FieldMessagesMixin
from scsp.forms import AuthenticatorCodeForm, SecondFactorCodeForm


class NextMixin:
    """Where to go after a step: the ``next`` page the person asked for, if it is ours."""

    def next_url(self, default="scsp:home") -> str:
        candidate = self.request.POST.get("next") or self.request.GET.get("next")
        # A path on this site only: anything else (a bare word would even be taken for a view
        # name by ``redirect``) goes home.
        if candidate and candidate.startswith("/") and url_has_allowed_host_and_scheme(
                candidate, allowed_hosts={self.request.get_host()},
                require_https=self.request.is_secure()):
            return candidate
        return resolve_url(default)

    def step_url(self, name: str) -> str:
        return f"{reverse(name)}?{urlencode({'next': self.next_url()})}"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("next", self.next_url())
        return super().get_context_data(**kwargs)


@method_decorator(never_cache, name="dispatch")
class VerifyView(FieldMessagesMixin, NextMixin, FormView):
    """"Check it's you": a code from the app, a recovery code, or a passkey."""

    template_name = "scsp/security/verify.html"
    form_class = SecondFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.user.is_verified():
                return redirect(self.next_url())
            if not mfa.has_second_factor(request.user):
                return redirect(self.step_url("scsp:mfa_enrol"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["has_passkeys"] = mfa.passkeys(self.request.user).exists()
        ctx["has_app"] = mfa.totp_device(self.request.user) is not None
        return ctx

    def form_valid(self, form):
        error = mfa.verify_code(self.request, form.cleaned_data["code"])
        if error:
            form.add_error("code", error)
            return self.form_invalid(form)
        return redirect(self.next_url())



class AuthenticatorSetupMixin(FieldMessagesMixin, NextMixin):
    """Show the QR code and secret of the authenticator being set up; a right code confirms
    it."""

    form_class = AuthenticatorCodeForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        device = mfa.pending_totp(self.request.user)
        ctx["qr"] = mfa.qr_data_uri(device)
        ctx["secret"] = mfa.secret_text(device)
        ctx["issuer"] = settings.OTP_TOTP_ISSUER
        return ctx

    def form_valid(self, form):
        device = mfa.pending_totp(self.request.user)
        if not mfa.confirm_totp(self.request, device, form.cleaned_data["code"]):
            form.add_error("code", _("That code is not right. Check the app shows SCSP Reviews "
                                     "and enter the code it shows now."))
            return self.form_invalid(form)
        return self.confirmed()


@method_decorator(never_cache, name="dispatch")
class EnrolView(AuthenticatorSetupMixin, FormView):
    """First sign-in: set up an authenticator app."""

    template_name = "scsp/security/enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and mfa.has_second_factor(request.user):
            if not request.user.is_verified():
                return redirect(self.step_url("scsp:mfa_verify"))
            return redirect("scsp:security")
        return super().dispatch(request, *args, **kwargs)

    def confirmed(self):
        return redirect(self.step_url("scsp:recovery_codes"))



@method_decorator(never_cache, name="dispatch")
class ReplaceAuthenticatorView(AuthenticatorSetupMixin, FormView):
    """Replace the authenticator app (a new phone): the old one stops working when the new
    one is confirmed."""

    template_name = "scsp/security/replace_authenticator.html"

    def confirmed(self):
        messages.success(self.request, _("Your new authenticator app is set up. The old one "
                                         "no longer works."))
        return redirect("scsp:security")


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(NextMixin, TemplateView):
    """Fresh recovery codes, shown once; "Continue" forgets them."""

    template_name = "scsp/security/recovery_codes.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["codes"] = mfa.codes_to_show(self.request)
        device = mfa.recovery_device(self.request.user)
        ctx["remaining"] = device.token_set.count() if device else 0
        return ctx

    def post(self, request, *args, **kwargs):
        request.session.pop(mfa.SHOW_CODES, None)
        return redirect(self.next_url())


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesDownloadView(View):
    def get(self, request, *args, **kwargs):
        codes = mfa.codes_to_show(request)
        if not codes:
            raise Http404("No new recovery codes to download.")
        lines = [_("SCSP Reviews recovery codes for %(email)s") % {"email": request.user.email},
                 _("Each code works once. Keep them somewhere safe, away from your phone."), ""]
        response = HttpResponse("\n".join(lines + codes) + "\n",
                                content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="scsp-recovery-codes.txt"'
        return response


class NewRecoveryCodesView(View):
    def post(self, request, *args, **kwargs):
        mfa.new_recovery_codes(request)
        return redirect(f"{reverse('scsp:recovery_codes')}?"
                        f"{urlencode({'next': reverse('scsp:security')})}")


@method_decorator(never_cache, name="dispatch")
class SecurityView(TemplateView):
    """The person's own "Sign-in and security" page."""

    template_name = "scsp/security/security.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["app"] = mfa.totp_device(user)
        ctx["passkeys"] = list(mfa.passkeys(user))
        device = mfa.recovery_device(user)
        ctx["recovery_left"] = device.token_set.count() if device else 0
        ctx["required"] = mfa.required_for(user)
        return ctx


class RemovePasskeyView(View):
    def post(self, request, pk, *args, **kwargs):
        credential = mfa.passkeys(request.user).filter(pk=pk).first()
        if credential is None:  # only ever their own
            raise Http404("No such passkey.")
        mfa.remove_passkey(request, credential)
        messages.success(request, _("The passkey was removed."))
        return redirect("scsp:security")


# --- passkeys: django-otp-webauthn's JSON steps, with our records -------------------------------

class PasskeyRegisterBeginView(webauthn_views.BeginCredentialRegistrationView):
    """Adding a passkey needs a session that has passed the second factor (the middleware
    sees to it)."""


class PasskeyRegisterCompleteView(webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            mfa.passkey_added(self.request, None)
        return response


class PasskeyAuthBeginView(webauthn_views.BeginCredentialAuthenticationView):
    """A passkey as the second factor, after the password: never instead of it."""

    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise webauthn_errors.PasswordlessLoginDisabled()
        super().check_can_authenticate()


class PasskeyAuthCompleteView(webauthn_views.CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise webauthn_errors.PasswordlessLoginDisabled()
        super().check_can_authenticate()

    def complete_auth(self, device):
        if device.user_id != self.request.user.pk:
            raise webauthn_errors.CredentialNotFound()
        mfa.complete_sign_in(self.request, device)
