from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from scsp.models import Theme
from scsp.privacy import IdentifierGuardMixin


class SignInForm(auth_forms.AuthenticationForm):
    """E-mail and password. One message for every failure, throttled or not."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "We could not sign you in with that e-mail address and password. Check them and try "
            "again. After several failed attempts you must wait 15 minutes."
        ),
        "inactive": _(
            "We could not sign you in with that e-mail address and password. Check them and try "
            "again. After several failed attempts you must wait 15 minutes."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Sign in")))


class ThemeForm(IdentifierGuardMixin, forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "description", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save theme")))

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Theme.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("There is already a theme called “%(name)s”."),
                                        params={"name": clash.first().name})
        return name


class SecondFactorCodeForm(forms.Form):
    """The code on "Check it's you": 6 digits from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"), max_length=20,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your "
                    "recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "spellcheck": "false", "autocapitalize": "off"}),
        error_messages={"required": _("Enter the code.")},
    )


class AuthenticatorCodeForm(forms.Form):
    """The code that confirms a newly set-up authenticator app."""

    code = forms.CharField(
        label=_("Code from your authenticator app"), max_length=10,
        help_text=_("6 digits. A new one appears every 30 seconds."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "spellcheck": "false"}),
        error_messages={"required": _("Enter the 6-digit code from your app.")},
    )


class PartnershipSettingsForm(IdentifierGuardMixin, forms.Form):
    officers_exempt_from_mfa = forms.BooleanField(
        label=_("Agency officers may sign in without a second factor"), required=False,
        help_text=_("Only agency officers. Leads, the business unit, the chair, the scrutineer "
                    "and administrators always need one. Officers who have set one up are "
                    "still asked for it."))
    exemption_reason = forms.CharField(
        label=_("Reason for the exemption"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required while officers are exempt. Shown on this page and kept in the "
                    "change history."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        data["exemption_reason"] = (data.get("exemption_reason") or "").strip()
        if data.get("officers_exempt_from_mfa") and not data["exemption_reason"]:
            self.add_error("exemption_reason",
                           _("Give the reason why agency officers are exempt."))
        return data
