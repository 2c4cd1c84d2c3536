"""People: the co-ordinator's list, invitations, a person's page, second-factor resets and
leaving (``Ability.MANAGE_PEOPLE``). The writes are in ``scsp/services.py`` and
``scsp/mfa.py``."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from scsp import mfa, services, subject_access
from scsp.audit import Kind, record_access
from scsp.audit.exports import person_records_csv
from scsp.audit.names import type_name
from scsp.filters import PersonFilter
from scsp.generic import FilteredListView, ObjectServiceFormView, ServiceFormView, flash_errors
from scsp.models import AccessEvent, Agency, ChangeEvent, Role, User
from scsp.permissions import Ability, RoleRequiredMixin, get_object_for_user, scoped


class InviteForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Work e-mail address"))
    agency = forms.ModelChoiceField(label=gettext_lazy("Agency"),
                                    queryset=Agency.objects.filter(active=True))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    job_title = forms.CharField(label=gettext_lazy("Job title"), max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send the invitation")))


class ActiveForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("For example: left the agency on 30 April."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


def with_second_factor(queryset):
    return queryset.annotate(
        has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        has_passkey=Exists(WebAuthnCredential.objects.filter(user=OuterRef("pk"),
                                                             confirmed=True)))


class PeopleListView(RoleRequiredMixin, FilteredListView):
    ability = Ability.MANAGE_PEOPLE
    template_name = "scsp/people/person_list.html"
    filterset_class = PersonFilter
    context_object_name = "people"

    def get_queryset(self):
        return with_second_factor(scoped(User, self.request.user).select_related("agency")
                                  .order_by("agency__name", "full_name"))


class PersonInviteView(RoleRequiredMixin, ServiceFormView):
    ability = Ability.MANAGE_PEOPLE
    template_name = "scsp/people/invite.html"
    form_class = InviteForm

    def perform(self, form):
        return services.invite_person(by=self.request.user, request=self.request,
                                      **form.cleaned_data)

    def get_success_message(self, person):
        return _("%(name)s is invited. The e-mail's link to set a password works once, for "
                 "%(hours)s hours.") % {"name": person.full_name,
                                        "hours": settings.INVITATION_TIMEOUT_HOURS}

    def get_success_url(self, result=None):
        return reverse("scsp:person_detail", args=[result.pk])


class PersonMixin(RoleRequiredMixin):
    ability = Ability.MANAGE_PEOPLE

    def get_person(self):
        return get_object_for_user(with_second_factor(User.objects.select_related("agency")),
                                   self.request.user, pk=self.kwargs["pk"])


class PersonDetailView(PersonMixin, DetailView):
    template_name = "scsp/people/person_detail.html"
    context_object_name = "person"

    def get_object(self, queryset=None):
        return self.get_person()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        person = self.object
        ctx["devices"] = {
            "app": person.has_app,
            "passkeys": mfa.passkeys(person).count(),
            "recovery_left": sum(d.token_set.count() for d in [mfa.recovery_device(person)]
                                 if d is not None),
        }
        ctx["exempt"] = not mfa.required_for(person)
        ctx["active_form"] = ActiveForm()
        ctx["invited"] = not person.has_usable_password()
        ctx.update(records_of(person, self.request.user))
        return ctx


#: How many of a person's latest changes and access events their page shows (the CSV has all).
RECENT = 10


def records_of(person, reader) -> dict:
    """What a subject access request about ``person`` needs: what they lead or own, the
    changes they made and what they viewed, downloaded and exported (the latest few of each,
    with the totals; the CSV has everything)."""
    changes = scoped(ChangeEvent, reader).filter(user=person).order_by("-at", "-id")
    events = scoped(AccessEvent, reader).filter(user=person).order_by("-at", "-id")
    recent_changes, recent_events = list(changes[:RECENT]), list(events[:RECENT])
    for row in recent_changes:
        row.type_name = type_name(row.model_label)
    for row in recent_events:
        row.type_name = type_name(row.object_type)
    return {"led": subject_access.led_by(person), "recent_changes": recent_changes,
            "change_count": changes.count(), "recent_events": recent_events,
            "event_count": events.count()}


class PersonRecordsCsvView(PersonMixin, View):
    """Everything about one member of staff for a subject access request, as CSV; the
    download is itself in the access log."""

    def get(self, request, pk):
        person = self.get_person()
        changes = scoped(ChangeEvent, request.user).filter(user=person).order_by("at", "id")
        events = scoped(AccessEvent, request.user).filter(user=person).order_by("at", "id")
        record_access(user=request.user, kind=Kind.EXPORT, obj=person,
                      label=person.email, detail="subject access: everything about this "
                      "person", request=request)
        return person_records_csv(person, subject_access.led_by(person), changes, events,
                                  f"scsp-person-{person.pk}-records")


class PersonResetSecondFactorView(PersonMixin, View):
    def post(self, request, pk):
        person = self.get_person()
        removed = mfa.reset_second_factor(by=request.user, person=person, request=request)
        messages.success(request, _("%(name)s's second factor was reset (%(n)s devices "
                                    "removed). They will set up an authenticator at their next "
                                    "sign-in and have been e-mailed.")
                         % {"name": person.full_name, "n": removed})
        return redirect("scsp:person_detail", pk=person.pk)


class PersonInviteAgainView(PersonMixin, View):
    def post(self, request, pk):
        person = self.get_person()
        try:
            services.invite_again(by=request.user, person=person, request=request)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("A new invitation is on its way to %(email)s.")
                             % {"email": person.email})
        return redirect("scsp:person_detail", pk=person.pk)


class PersonActiveView(PersonMixin, ObjectServiceFormView):
    """Deactivate a leaver (their sessions end at once) or reactivate someone, with a
    reason."""

    template_name = "scsp/people/active_form.html"
    form_class = ActiveForm
    edit = False

    def get_object(self):
        return self.get_person()

    def perform(self, form):
        return services.set_active(by=self.request.user, person=self.object,
                                   active=not self.object.is_active,
                                   reason=form.cleaned_data["reason"], request=self.request)

    def get_success_message(self, person):
        if person.is_active:
            return _("%(name)s can sign in again.") % {"name": person.full_name}
        return _("%(name)s is deactivated and signed out everywhere.") % {
            "name": person.full_name}

    def get_success_url(self, result=None):
        return reverse("scsp:person_detail", args=[self.object.pk])
