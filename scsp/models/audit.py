"""The audit trail's tables: the access log (:class:`AccessEvent`), the change history's index
(:class:`ChangeEvent`), the case links that let one filter find every event about a case, the
heads of the two hash chains and the per-minute counters that fold a flood of refusals.

Rows of :class:`AccessEvent` and :class:`ChangeEvent` are written only by ``scsp.audit`` and
never changed: each is sealed with a keyed hash of its content and of the row before it
(``scsp/audit/chain.py``); on PostgreSQL a trigger refuses UPDATE and DELETE (migration
``0007_audit_trail_sealed``) except the retention job's deletes of rows past their retention period. They
never hold a record's content: its type, id and reference only (the change history's index
holds the changed fields' values, as the historical tables do, cut short)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from scsp.models.partnership import Agency
from scsp.permissions import Ability, may


class AuditTrailQuerySet(models.QuerySet):
    """Both logs are for the co-ordinator and the scrutineer (``Ability.READ_AUDIT_TRAIL``);
    nobody edits them."""

    def visible_to(self, user):
        return self if may(user, Ability.READ_AUDIT_TRAIL) else self.none()

    def editable_by(self, user):
        return self.none()


class ChainHead(models.Model):
    """The end of one chain: the last row's sequence number and seal. Appending locks both
    rows, in name order (``scsp.audit.chain.append``), so two requests never fork a chain and
    a request writing both logs cannot deadlock with another."""

    name = models.CharField(max_length=20, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True, default="")

    def __str__(self):
        return f"{self.name} chain at {self.seq}"


class ChainedRow(models.Model):
    """A row in a hash chain: its place (``seq``, 1, 2, 3 ... with no gaps except what the
    retention job removed and recorded), the previous row's seal and its own."""

    seq = models.BigIntegerField(unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        abstract = True


@functools.lru_cache(maxsize=16)
def _kind_names(language) -> dict[str, str]:
    return {value: str(label) for value, label in AccessEvent.Kind.choices}


class AccessEvent(ChainedRow):
    """One look at, download of or refusal of something sensitive, or a sign-in event: who,
    when, from where, which record (type, id and reference, never its content) and the case
    it concerns."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed a record")
        VIEW_MINUTES = "view_minutes", _("Viewed the Rapid Review minutes")
        MINUTES_PDF = "minutes_pdf", _("Downloaded the minutes PDF")
        FILE = "file", _("Downloaded evidence or a file")
        EXPORT = "export", _("Exported a list")
        REPORT = "report", _("Made or downloaded a report")
        IMPORT = "import", _("Imported a spreadsheet")
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_OUT = "sign_out", _("Signed out")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SECOND_FACTOR = "second_factor", _("Second factor changed")
        PASSWORD = "password", _("Password changed")
        PEOPLE = "people", _("Changed someone's access")
        LEGAL_HOLD = "legal_hold", _("Legal hold set or lifted")
        REFUSED = "refused", _("Refused")
        RETENTION = "retention", _("Removed after the retention period")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_events",
        null=True, blank=True)
    #: The person's agency when it happened (people move).
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", null=True,
                               blank=True)
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    label = models.CharField(max_length=200, blank=True,
                             help_text=_("A reference, never narrative."))
    #: What was exported (the filters used), why a refusal, how many rows removed.
    detail = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    #: 403 or 404 for a refusal.
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    #: Identical refusals folded into this row (``scsp.audit.refusals``); 1 otherwise.
    count = models.PositiveIntegerField(default=1)
    request_id = models.CharField(max_length=64, blank=True)
    #: The case it concerns, captured when it was written (through ``scsp.case_links``);
    #: the first of several, the others in ``other_cases``. Every one has an
    #: :class:`AccessEventCase` row, which the filter uses.
    case_id = models.BigIntegerField(null=True, blank=True)
    case_reference = models.CharField(max_length=20, blank=True)
    other_cases = models.CharField(max_length=300, blank=True)
    #: Retention anchors only: the sequence ranges removed and the seal of each range's last
    #: row, so the chain is verifiable across what was removed.
    removed = models.JSONField(null=True, blank=True)

    objects = AuditTrailQuerySet.as_manager()

    #: What the seal covers, in order (``scsp.audit.chain``).
    CHAINED = ("seq", "prev_hash", "at", "user_id", "agency_id", "kind", "object_type",
               "object_id", "label", "detail", "path", "ip_address", "status", "count",
               "request_id", "case_id", "case_reference", "other_cases", "removed")
    CHAIN = "access"

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at", "id"], name="access_at"),
            models.Index(fields=["user", "at"], name="access_user_at"),
            models.Index(fields=["agency", "at"], name="access_agency_at"),
            models.Index(fields=["kind", "at"], name="access_kind_at"),
            models.Index(fields=["object_type", "at"], name="access_type_at"),
            models.Index(fields=["object_type", "object_id"], name="access_object"),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.object_type} {self.label}"

    @property
    def refused(self) -> bool:
        return self.kind == self.Kind.REFUSED

    @property
    def kind_name(self) -> str:
        """What happened, in plain words: ``get_kind_display`` without its per-row cost
        (it hashes every lazy label, a translation lookup each, on every call)."""
        return _kind_names(get_language()).get(self.kind, self.kind)

    @property
    def cases(self) -> list[str]:
        return [r for r in [self.case_reference, *self.other_cases.split()] if r]


class ChangeEvent(ChainedRow):
    """One change to a domain record, indexed from django-simple-history's historical row
    (which stays the full record): which record, who, when, the case it concerns and the
    changed fields' labels with their values before and after, as shown to people."""

    class Type(models.TextChoices):
        CREATED = "+", _("Created")
        CHANGED = "~", _("Changed")
        DELETED = "-", _("Deleted")

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+", null=True, blank=True)
    model_label = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=60, blank=True)
    label = models.CharField(max_length=200, blank=True)
    history_type = models.CharField(max_length=1, choices=Type.choices)
    history_id = models.BigIntegerField()
    reason = models.CharField(max_length=300, blank=True)
    #: [[field name, field label, before, after], ...] as people read them.
    changes = models.JSONField(default=list, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    case_reference = models.CharField(max_length=20, blank=True)
    other_cases = models.CharField(max_length=300, blank=True)

    objects = AuditTrailQuerySet.as_manager()

    CHAINED = ("seq", "prev_hash", "at", "user_id", "model_label", "object_id", "reference",
               "label", "history_type", "history_id", "reason", "changes", "case_id",
               "case_reference", "other_cases")
    CHAIN = "change"

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at", "id"], name="change_at"),
            models.Index(fields=["user", "at"], name="change_user_at"),
            models.Index(fields=["model_label", "at"], name="change_model_at"),
            models.Index(fields=["reference", "at"], name="change_reference_at"),
            models.Index(fields=["model_label", "object_id"], name="change_object"),
        ]

    def __str__(self):
        return f"{self.model_label} {self.object_id} {self.history_type} by {self.user_id}"

    @property
    def cases(self) -> list[str]:
        return [r for r in [self.case_reference, *self.other_cases.split()] if r]


class CaseLink(models.Model):
    """Which case an event concerns: one row per case, so "everything about SLPR-2026-004"
    is one index lookup even for a thematic review's events, which concern several."""

    case_id = models.BigIntegerField()
    case_reference = models.CharField(max_length=20)

    class Meta:
        abstract = True


class AccessEventCase(CaseLink):
    # DO_NOTHING: the retention job deletes the links first, then the events in one statement.
    event = models.ForeignKey(AccessEvent, on_delete=models.DO_NOTHING, related_name="case_links")

    class Meta:
        indexes = [models.Index(fields=["case_reference", "event"], name="access_case")]

    def __str__(self):
        return f"access event {self.event_id} about {self.case_reference}"


class ChangeEventCase(CaseLink):
    event = models.ForeignKey(ChangeEvent, on_delete=models.DO_NOTHING, related_name="case_links")

    class Meta:
        indexes = [models.Index(fields=["case_reference", "event"], name="change_case")]

    def __str__(self):
        return f"change {self.event_id} about {self.case_reference}"


class RefusalBucket(models.Model):
    """Identical refusals (same person or address, path and status) in one minute, counted
    before they reach the chain: the first wrote its access event at once; the count of the
    rest is sealed into one more event when the minute is over (``scsp.audit.refusals``).
    Not chained and updated in place: it is a counter, not the log."""

    key = models.CharField(max_length=64, unique=True)
    minute = models.DateTimeField(db_index=True)
    first_event = models.ForeignKey(AccessEvent, on_delete=models.DO_NOTHING,
                                    db_constraint=False, related_name="+", null=True)
    count = models.PositiveIntegerField(default=1)
    last_at = models.DateTimeField(default=timezone.now)
    last_request_id = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"{self.count} refusals in the minute from {self.minute}"
