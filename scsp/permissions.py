"""Who may do what: the one home of the permission rules every app follows.

Two questions, two mechanisms:

* **Which records** (scope): each scoped model's queryset derives from :class:`ScopedQuerySet`
  and answers ``visible_to(user)`` and ``editable_by(user)``. Views fetch one object with
  :func:`get_object_for_user`: **404** when it is outside the user's scope (its existence is
  not confirmed), **403** when it is visible but the view needs to change it and the user may
  not. Lists, exports and reports start from :func:`scoped` (= ``visible_to``).
* **Which steps** (role): :data:`ROLE_TABLE` says which roles may take each :class:`Ability`;
  :func:`may` asks it. Pages open to some roles only use :class:`RoleRequiredMixin` with an
  ``ability``; services ask :func:`may` again, so a forged POST is refused there too.

A step on a record needs both: the record in ``editable_by(user)`` and the ability.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from scsp.request_log import note_record
from scsp.roles import Role

security_log = logging.getLogger("scsp.security")


# --- refusals: a 403 that says why ----------------------------------------------------------

class ReadOnlyRecord(PermissionDenied):
    """The record is visible to the person but not theirs to change (``edit=True`` refused).
    The 403 page says "not yours to change"."""

    reason = "read_only"


class NotForYourRole(PermissionDenied):
    """The page or step is not in the person's role (:class:`RoleRequiredMixin`,
    :func:`require`). The 403 page says "not available to your role"; so does any other
    ``PermissionDenied``. Its message is shown too: write it for the person."""

    reason = "role"


# --- who is asking ----------------------------------------------------------------------------

def signed_in(user) -> bool:
    """A signed-in person whose account is active."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_partner(user) -> bool:
    """An agency safeguarding lead or officer: sees what their agency is involved in."""
    return signed_in(user) and user.role in (Role.AGENCY_LEAD, Role.AGENCY_OFFICER)


# --- the role table ---------------------------------------------------------------------------

class Ability(models.TextChoices):
    """A step some roles may take. Scope (which records) is the querysets' business."""

    MANAGE_DIRECTORY = "manage_directory", _("Manage agencies and learning themes")
    MANAGE_PEOPLE = "manage_people", _(
        "Invite people, deactivate them, reset their second factor")
    MANAGE_SETTINGS = "manage_settings", _("Change the partnership's settings")
    SKIP_SECOND_FACTOR = "skip_second_factor", _(
        "Sign in without a second factor, if the partnership's settings exempt the role "
        "and record why")
    READ_AUDIT_TRAIL = "read_audit_trail", _("Read the access log and change history")
    READ_ALL_REMINDERS = "read_all_reminders", _("Read every reminder sent, failures included")
    LIST_ALL_ACTIONS = "list_all_actions", _("List every action in the partnership")
    LIST_AGENCY_ACTIONS = "list_agency_actions", _("List their agency's actions")
    MANAGE_PLANS = "manage_plans", _("Create and edit action plans, recommendations and actions")
    RECORD_THE_PAST = "record_the_past", _(
        "Bring in records after the event, with past dates (past target dates included)")
    IMPORT_PLANS = "import_plans", _(
        "Import action plans and actions from a spreadsheet (XLSX or CSV)")
    UPDATE_ACTIONS = "update_actions", _(
        "Add progress, evidence and impact, ask for a new target date")
    REASSIGN_ACTIONS = "reassign_actions", _(
        "Give an action to another officer of its agency, with a reason")
    DECIDE_ACTIONS = "decide_actions", _(
        "Agree target-date changes; close actions without completion")
    SIGN_OFF_ACTIONS = "sign_off_actions", _("Sign off or return completed actions")
    SCHEDULE_IMPACT_REVIEWS = "schedule_impact_reviews", _(
        "Set an action's impact review date, or mark it not needed with a reason")
    ADD_IMPACT_EVIDENCE = "add_impact_evidence", _(
        "Add impact evidence (kind, summary, figures, files) to an impact review")
    RATE_IMPACT = "rate_impact", _(
        "Record the SLPR group's impact rating and what follows from it")
    READ_EMBARGO_DETAILS = "read_embargo_details", _(
        "See that a review is embargoed, why and until when")
    READ_FULL_CASE_RECORDS = "read_full_case_records", _(
        "Read the full Rapid Review record and its minutes")
    READ_PANEL_RECORDS = "read_panel_records", _(
        "Read the full Rapid Review and minutes of panels their agency sits on")
    WRITE_AGENCY_SUMMARIES = "write_agency_summaries", _(
        "Write their agency's summary for a Rapid Review")
    DELEGATE_AGENCY_SUMMARIES = "delegate_agency_summaries", _(
        "Ask an officer of their agency to write its summary")
    SIGN_OFF_FOR_AGENCY = "sign_off_for_agency", _(
        "Sign a Rapid Review off for their statutory partner, in person")
    LOG_NOTIFICATIONS = "log_notifications", _("Log serious incident notifications")
    REFER_CASES = "refer_cases", _("Refer a case to the SLPR subgroup")
    MANAGE_REVIEWS = "manage_reviews", _("Edit cases, Rapid Reviews and practice reviews")
    PLACE_LEGAL_HOLD = "place_legal_hold", _(
        "Put a case on legal hold (its records kept past their retention period) or lift it")
    SIGN_OFF_RAPID_REVIEWS = "sign_off_rapid_reviews", _("Record Rapid Review sign-offs")
    MANAGE_AUDITS = "manage_audits", _("Plan, edit and move audits; moderate")
    RECORD_FINDINGS = "record_findings", _("Record audit findings and their actions")
    COMPLETE_AUDIT_RETURNS = "complete_audit_returns", _("Complete their agency's audit return")
    READ_REPORTS = "read_reports", _("Read the partnership's reports")
    EXPORT_REPORTS = "export_reports", _("Download reports (PDF, Excel, CSV)")
    WRITE_COMMENTARY = "write_commentary", _("Write the chair's commentary")


_BUSINESS_UNIT = frozenset({Role.COORDINATOR})
_PARTNERSHIP_WIDE = frozenset({Role.COORDINATOR, Role.CHAIR, Role.SCRUTINEER})
_PARTNERS = frozenset({Role.AGENCY_LEAD, Role.AGENCY_OFFICER})

#: Ability -> the roles that have it. The one statement of who may take which step.
ROLE_TABLE: dict[str, frozenset[str]] = {
    Ability.MANAGE_DIRECTORY: _BUSINESS_UNIT,
    Ability.MANAGE_PEOPLE: _BUSINESS_UNIT,
    Ability.MANAGE_SETTINGS: _BUSINESS_UNIT,
    Ability.SKIP_SECOND_FACTOR: frozenset({Role.AGENCY_OFFICER}),
    Ability.READ_AUDIT_TRAIL: frozenset({Role.COORDINATOR, Role.SCRUTINEER}),
    Ability.READ_ALL_REMINDERS: frozenset({Role.COORDINATOR, Role.SCRUTINEER}),
    Ability.LIST_ALL_ACTIONS: _PARTNERSHIP_WIDE,
    Ability.LIST_AGENCY_ACTIONS: _PARTNERS,
    Ability.MANAGE_PLANS: _BUSINESS_UNIT,
    Ability.RECORD_THE_PAST: _BUSINESS_UNIT,
    Ability.IMPORT_PLANS: _BUSINESS_UNIT,
    Ability.UPDATE_ACTIONS: _BUSINESS_UNIT | _PARTNERS,
    Ability.REASSIGN_ACTIONS: frozenset({Role.COORDINATOR, Role.AGENCY_LEAD}),
    Ability.DECIDE_ACTIONS: _BUSINESS_UNIT,
    Ability.SIGN_OFF_ACTIONS: frozenset({Role.COORDINATOR, Role.CHAIR}),
    Ability.SCHEDULE_IMPACT_REVIEWS: _BUSINESS_UNIT,
    Ability.ADD_IMPACT_EVIDENCE: _BUSINESS_UNIT | _PARTNERS,
    Ability.RATE_IMPACT: frozenset({Role.COORDINATOR, Role.CHAIR}),
    Ability.READ_EMBARGO_DETAILS: _PARTNERSHIP_WIDE,
    Ability.READ_FULL_CASE_RECORDS: _PARTNERSHIP_WIDE,
    Ability.READ_PANEL_RECORDS: frozenset({Role.AGENCY_LEAD}),
    Ability.WRITE_AGENCY_SUMMARIES: _PARTNERS,
    Ability.DELEGATE_AGENCY_SUMMARIES: frozenset({Role.AGENCY_LEAD}),
    Ability.SIGN_OFF_FOR_AGENCY: frozenset({Role.AGENCY_LEAD}),
    Ability.LOG_NOTIFICATIONS: _BUSINESS_UNIT,
    Ability.REFER_CASES: frozenset({Role.COORDINATOR, Role.AGENCY_LEAD}),
    Ability.MANAGE_REVIEWS: _BUSINESS_UNIT,
    Ability.PLACE_LEGAL_HOLD: _BUSINESS_UNIT,
    Ability.SIGN_OFF_RAPID_REVIEWS: frozenset({Role.COORDINATOR, Role.CHAIR}),
    Ability.MANAGE_AUDITS: _BUSINESS_UNIT,
    Ability.RECORD_FINDINGS: _BUSINESS_UNIT,
    Ability.COMPLETE_AUDIT_RETURNS: _PARTNERS,
    Ability.READ_REPORTS: _PARTNERSHIP_WIDE,
    Ability.EXPORT_REPORTS: frozenset({Role.COORDINATOR, Role.CHAIR}),
    Ability.WRITE_COMMENTARY: frozenset({Role.CHAIR}),
}


#: Where scope or a rule narrows an ability a role has: (ability, role) -> a few words, shown
#: in the rendered table (:func:`role_table_markdown`). Which records is the querysets'
#: business (``visible_to`` / ``editable_by``); these notes only say it in the table.
SCOPE_NOTES: dict[tuple[str, str], str] = {
    (Ability.UPDATE_ACTIONS, Role.COORDINATOR): "any action",
    (Ability.UPDATE_ACTIONS, Role.AGENCY_LEAD): "their agency's actions",
    (Ability.UPDATE_ACTIONS, Role.AGENCY_OFFICER): "their agency's actions",
    (Ability.REASSIGN_ACTIONS, Role.COORDINATOR): "any action",
    (Ability.REASSIGN_ACTIONS, Role.AGENCY_LEAD): "within their agency",
    (Ability.DECIDE_ACTIONS, Role.COORDINATOR): "closes none they led, updated or completed",
    (Ability.SIGN_OFF_ACTIONS, Role.COORDINATOR): "none they led, updated or completed",
    (Ability.SIGN_OFF_ACTIONS, Role.CHAIR): "none they led, updated or completed",
    (Ability.ADD_IMPACT_EVIDENCE, Role.COORDINATOR): "any action",
    (Ability.ADD_IMPACT_EVIDENCE, Role.AGENCY_LEAD): "their agency's actions",
    (Ability.ADD_IMPACT_EVIDENCE, Role.AGENCY_OFFICER): "their agency's actions",
    (Ability.REFER_CASES, Role.AGENCY_LEAD): "for their agency",
    (Ability.READ_PANEL_RECORDS, Role.AGENCY_LEAD): "statutory partners, agencies that attended",
    (Ability.WRITE_AGENCY_SUMMARIES, Role.AGENCY_LEAD): "their agency's",
    (Ability.WRITE_AGENCY_SUMMARIES, Role.AGENCY_OFFICER): "when their lead delegates it",
    (Ability.SIGN_OFF_FOR_AGENCY, Role.AGENCY_LEAD): "statutory partners only",
    (Ability.SIGN_OFF_RAPID_REVIEWS, Role.COORDINATOR): "records partners' sign-offs",
    (Ability.SIGN_OFF_RAPID_REVIEWS, Role.CHAIR): "signs in person",
}

#: The table's columns: each role, in a short name.
ROLE_COLUMNS: tuple[tuple[str, str], ...] = (
    (Role.COORDINATOR, "Co-ordinator"),
    (Role.CHAIR, "Chair"),
    (Role.SCRUTINEER, "Scrutineer"),
    (Role.AGENCY_LEAD, "Agency lead"),
    (Role.AGENCY_OFFICER, "Agency officer"),
)


def role_table_markdown() -> str:
    """:data:`ROLE_TABLE` as a Markdown table: one row per ability (in :class:`Ability`'s
    order), one column per role, "yes" (with :data:`SCOPE_NOTES`' words where scope narrows
    it) or "no". The README's "Who sees what" holds exactly this (a test checks);
    ``python manage.py role_table`` prints it."""
    lines = ["| Step | " + " | ".join(name for _role, name in ROLE_COLUMNS) + " |",
             "|---" * (len(ROLE_COLUMNS) + 1) + "|"]
    for ability in Ability:
        cells = []
        for role, _name in ROLE_COLUMNS:
            if role in ROLE_TABLE[ability]:
                note = SCOPE_NOTES.get((ability, role))
                cells.append(f"yes ({note})" if note else "yes")
            else:
                cells.append("no")
        lines.append(f"| {ability.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def may(user, ability: str) -> bool:
    """Whether ``user``'s role has ``ability`` (a :class:`Ability`). Anonymous and inactive
    people have none."""
    return signed_in(user) and user.role in ROLE_TABLE[ability]


def require(user, ability: str, message: str = "") -> None:
    """Raise ``PermissionDenied`` unless ``user`` may take ``ability``: what services call
    before they write."""
    if not may(user, ability):
        raise NotForYourRole(message or _("Your role does not include this step."))


# --- scope ------------------------------------------------------------------------------------

class ScopedQuerySet(models.QuerySet):
    """The base of every scoped model's queryset.

    ``visible_to``: nothing for anonymous or inactive people, everything for the partnership-
    wide roles (co-ordinator, chair, scrutineer), :meth:`partner_visible` for agency staff.
    ``editable_by``: everything for people with :attr:`edit_ability`, :meth:`partner_editable`
    for agency staff without it. Subclasses override the two ``partner_*`` hooks (both default
    to nothing) and, where editing is not the business unit's, ``edit_ability``."""

    edit_ability: str = Ability.MANAGE_REVIEWS

    def visible_to(self, user):
        if not signed_in(user):
            return self.none()
        if user.sees_everything:
            return self
        if is_partner(user):
            return self.partner_visible(user)
        return self.none()

    def editable_by(self, user):
        if may(user, self.edit_ability):
            return self
        if is_partner(user):
            return self.partner_editable(user)
        return self.none()

    def partner_visible(self, user):
        return self.none()

    def partner_editable(self, user):
        return self.none()


class DirectoryQuerySet(models.QuerySet):
    """Reference data (agencies, learning themes): every signed-in person reads it, the
    business unit maintains it."""

    def visible_to(self, user):
        return self if signed_in(user) else self.none()

    def editable_by(self, user):
        return self if may(user, Ability.MANAGE_DIRECTORY) else self.none()

    def active(self):
        return self.filter(active=True)


def _queryset(model_or_queryset) -> models.QuerySet:
    if isinstance(model_or_queryset, models.QuerySet):
        return model_or_queryset
    return model_or_queryset._default_manager.all()


def scoped(model_or_queryset, user, *, edit: bool = False) -> models.QuerySet:
    """The records of a model (or queryset) that ``user`` may see, or change with ``edit``."""
    qs = _queryset(model_or_queryset)
    method = "editable_by" if edit else "visible_to"
    if not hasattr(qs, method):
        raise ImproperlyConfigured(f"{qs.model.__name__} has no {method}(user) queryset method")
    return getattr(qs, method)(user)


def get_object_for_user(model_or_queryset, user, *, edit: bool = False, **lookup):
    """Fetch one object for ``user``.

    Returns the object. Raises ``Http404`` when it does not exist or is outside the user's scope,
    and ``PermissionDenied`` (403) when ``edit`` is asked for and the user may only read it.
    Fails closed: any error in the scoping code is a 404, never a 200.
    """
    qs = _queryset(model_or_queryset)
    # The access log records a refusal with the record asked for (type and id, never content).
    note_record(qs.model._meta.label, lookup.get("pk", lookup.get("id")))
    try:
        obj = scoped(qs, user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError):
        # OverflowError: an id past 64 bits from the URL, which SQLite cannot even compare.
        security_log.info(
            "not found or out of scope: user=%s model=%s lookup=%r",
            getattr(user, "pk", None),
            qs.model.__name__,
            lookup,
        )
        raise Http404("No such record.") from None
    if edit and not scoped(qs, user, edit=True).filter(pk=obj.pk).exists():
        security_log.info(
            "read-only refusal: user=%s model=%s pk=%s",
            getattr(user, "pk", None),
            qs.model.__name__,
            obj.pk,
        )
        raise ReadOnlyRecord(_("You can see this record but not change it."))
    return obj


class RoleRequiredMixin:
    """A page (not an object) open only to roles with ``ability``: 403 for the others.
    Object pages use :func:`get_object_for_user` instead. A page whose rule is not a single
    ability overrides :meth:`allowed`."""

    ability: str | None = None

    def allowed(self, user) -> bool:
        if self.ability is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs an ability")
        return may(user, self.ability)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            # Imported here: django.contrib.auth.views needs the user model, which imports
            # this module.
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not self.allowed(request.user):
            raise NotForYourRole(_("Your role does not include this page."))
        return super().dispatch(request, *args, **kwargs)
