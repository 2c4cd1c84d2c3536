"""The core's writes that are more than a form save: the partnership settings and people
(invitations, leaving and coming back). Each checks the role table itself, so a forged POST
is refused here too."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scsp.audit import Kind, record_access
from scsp.emails import enqueue_on_commit
from scsp.models import Agency, PartnershipSettings, Role, User
from scsp.permissions import Ability, require

security_log = logging.getLogger("scsp.security")


@transaction.atomic
def update_partnership_settings(*, by, officers_exempt_from_mfa: bool,
                                exemption_reason: str) -> PartnershipSettings:
    """Change the partnership settings. Exempting agency officers from the second factor
    needs a reason; turning the exemption off clears it. Kept in the change history."""
    require(by, Ability.MANAGE_SETTINGS)
    reason = (exemption_reason or "").strip()
    if officers_exempt_from_mfa and not reason:
        raise ValidationError({"exemption_reason": _(
            "Give the reason why agency officers are exempt.")})
    obj = PartnershipSettings.load()
    obj.officers_exempt_from_mfa = officers_exempt_from_mfa
    obj.exemption_reason = reason if officers_exempt_from_mfa else ""
    obj.changed_by = by
    obj.changed_at = timezone.now()
    obj._change_reason = reason or _("Second-factor exemption off")
    obj.save()
    security_log.warning("partnership settings changed: officers_exempt_from_mfa=%s by=%s",
                         officers_exempt_from_mfa, by.pk)
    return obj


@transaction.atomic
def invite_person(*, by, full_name: str, email: str, agency: Agency, role: str,
                  job_title: str = "", request=None) -> User:
    """Add a person with no password and e-mail them a link to set one (a worker sends it
    after commit; the link's token is made there, never stored). At their first sign-in
    they set up their second factor."""
    require(by, Ability.MANAGE_PEOPLE)
    email = (email or "").strip().lower()
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this e-mail address is already here.")})
    person = User(email=email, full_name=full_name.strip(), agency=agency, role=role,
                  job_title=(job_title or "").strip())
    person.set_unusable_password()
    person.full_clean(exclude=["password", "calendar_token"])
    person._change_reason = _("Invited by %(name)s") % {"name": by.full_name}
    person.save()
    record_access(user=by, kind=Kind.PEOPLE, obj=person, label=person.email,
                  detail="person invited", request=request)
    send_invitation(person)
    return person


def send_invitation(person: User) -> None:
    from scsp.tasks import send_invitation_task

    enqueue_on_commit(send_invitation_task, person.pk, keep=True)


@transaction.atomic
def invite_again(*, by, person: User, request=None) -> None:
    """A new invitation e-mail for someone who has not set a password yet."""
    require(by, Ability.MANAGE_PEOPLE)
    if person.has_usable_password() or not person.is_active:
        raise ValidationError(_("Only an active person who has not set a password yet can be "
                                "invited again."))
    record_access(user=by, kind=Kind.PEOPLE, obj=person, label=person.email,
                  detail="invitation sent again", request=request)
    send_invitation(person)


def end_sessions(person: User) -> int:
    """Delete every session of ``person`` (database sessions). Returns how many."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def set_active(*, by, person: User, active: bool, reason: str, request=None) -> User:
    """Deactivate (a leaver) or reactivate a person, with a reason kept in the change history.
    Deactivating ends their sessions at once."""
    require(by, Ability.MANAGE_PEOPLE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if person.pk == by.pk and not active:
        raise ValidationError(_("You cannot deactivate yourself."))
    if person.is_active == active:
        raise ValidationError(_("%(name)s is already %(state)s.") % {
            "name": person.full_name, "state": _("active") if active else _("inactive")})
    if not active and person.role == Role.COORDINATOR and not User.objects.filter(
            role=Role.COORDINATOR, is_active=True).exclude(pk=person.pk).exists():
        raise ValidationError(_("The partnership needs at least one active co-ordinator."))
    person.is_active = active
    person._change_reason = reason
    person.save(update_fields=["is_active"])
    ended = 0 if active else end_sessions(person)
    record_access(user=by, kind=Kind.PEOPLE, obj=person, label=person.email,
                  detail="person reactivated" if active else "person deactivated",
                  request=request)
    security_log.warning("person %s: person=%s by=%s sessions ended=%s",
                         "reactivated" if active else "deactivated", person.pk, by.pk, ended)
    return person
