"""The partnership core: agencies, people and their roles, learning themes, the working-day
calendar's closure days, the partnership's settings and the reminder log."""

from __future__ import annotations

import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from scsp.permissions import Ability, DirectoryQuerySet, ScopedQuerySet, may, signed_in
from scsp.roles import PARTNERSHIP_WIDE_ROLES, Role

__all__ = ["PARTNERSHIP_WIDE_ROLES", "Role"]


class AgencyKind(models.TextChoices):
    """The kinds of organisation in a partnership."""

    STATUTORY = "statutory", _("Statutory safeguarding partner")
    RELEVANT = "relevant", _("Relevant agency")
    SCHOOL = "school", _("School or education setting")
    HEALTH = "health", _("Health provider")
    VCF = "vcf", _("Voluntary, community or faith sector")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """An organisation in the partnership. The business unit is itself an agency."""

    Kind = AgencyKind

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(
        _("short name"), max_length=30, unique=True, help_text=_("For example WMP or SCT.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_business_unit = models.BooleanField(
        _("is the partnership business unit"), default=False
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_business_unit"],
                condition=Q(is_business_unit=True),
                name="one_business_unit",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AgencyKind.values), name="agency_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("scsp:agency_detail", args=[self.pk])


class UserQuerySet(ScopedQuerySet):
    """People in the directory: partnership-wide roles see everyone; agency staff their own
    agency and the business unit (whom they need to contact). The business unit manages
    people."""

    edit_ability = Ability.MANAGE_DIRECTORY

    def partner_visible(self, user):
        return self.filter(Q(agency_id=user.agency_id) | Q(agency__is_business_unit=True))

    def active(self):
        return self.filter(is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    """Users sign in with their work e-mail address."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        """The first administrator: staff, superuser and co-ordinator in the business unit."""
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.COORDINATOR)
        if "agency" not in extra and "agency_id" not in extra:
            unit, _created = Agency.objects.get_or_create(
                is_business_unit=True,
                defaults={
                    "name": "SCSP Business Unit",
                    "short_name": "SCSP BU",
                    "kind": Agency.Kind.OTHER,
                },
            )
            extra["agency"] = unit
        return self._create_user(email, password, **extra)


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Belongs to exactly one agency and has one role."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="people", verbose_name=_("agency")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("can use the admin site"), default=False
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    #: When the person signed in before this session (``last_login`` as it was before the
    #: latest sign-in): what "Since your last visit" counts from. Set only by
    #: ``scsp.auth.keep_previous_sign_in``; empty until the second sign-in.
    previous_login = models.DateTimeField(_("previous sign-in"), null=True, blank=True,
                                          editable=False)
    calendar_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, default=new_calendar_token
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login", "previous_login",
                                                 "calendar_token"])
    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="user_role_valid"
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = (self.email or "").strip().lower()
        if self.role == Role.COORDINATOR and self.agency_id and not self.agency.is_business_unit:
            raise ValidationError(
                {"role": _("The review co-ordinator must belong to the business unit.")}
            )

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # Role helpers: every permission check in the product reads these, never `role` directly.
    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.role == Role.COORDINATOR

    @property
    def is_chair(self) -> bool:
        return self.is_active and self.role == Role.CHAIR

    @property
    def is_scrutineer(self) -> bool:
        return self.is_active and self.role == Role.SCRUTINEER

    @property
    def is_agency_lead(self) -> bool:
        return self.is_active and self.role == Role.AGENCY_LEAD

    @property
    def is_agency_officer(self) -> bool:
        return self.is_active and self.role == Role.AGENCY_OFFICER

    @property
    def sees_everything(self) -> bool:
        """Co-ordinator, chair and scrutineer read every record in the partnership."""
        return self.is_active and self.role in PARTNERSHIP_WIDE_ROLES

    @property
    def reads_audit_log(self) -> bool:
        """The access log and change history are for the co-ordinator and the scrutineer."""
        return may(self, Ability.READ_AUDIT_TRAIL)

    def regenerate_calendar_token(self):
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])


class Theme(models.Model):
    """A learning theme (neglect, exploitation, ...) that reviews, audits and actions answer."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive themes stay on old records but cannot be chosen.")
    )

    history = HistoricalRecords()
    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("learning theme")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("scsp:theme_list")


class ClosureDay(models.Model):
    """A partnership closure day that the working-day clocks skip, besides bank holidays."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(_("reason"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("closure day")

    def __str__(self):
        return f"{self.date:%d %b %Y}: {self.reason}"


class PartnershipSettings(models.Model):
    """The partnership's own settings: one row (``PartnershipSettings.load()``), changed on the
    Partnership settings page by the co-ordinator, every change kept in its history."""

    officers_exempt_from_mfa = models.BooleanField(
        _("agency officers may sign in without a second factor"), default=False,
        help_text=_("Only agency officers, never leads, the business unit or administrators."))
    exemption_reason = models.TextField(
        _("reason for the exemption"), blank=True,
        help_text=_("Why officers are exempt, for example an agency whose staff cannot use "
                    "phones at work. Required while the exemption is on."))
    changed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partnership settings")
        verbose_name_plural = _("partnership settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="partnership_settings_singleton"),
            models.CheckConstraint(
                condition=Q(officers_exempt_from_mfa=False) | ~Q(exemption_reason=""),
                name="mfa_exemption_has_reason"),
        ]

    def __str__(self):
        return str(_("Partnership settings"))

    @classmethod
    def load(cls) -> PartnershipSettings:
        obj = cls.objects.filter(pk=1).first()
        return obj if obj is not None else cls(pk=1)


class ReminderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Each person sees the messages sent to them; the co-ordinator and the scrutineer
        see the whole log, failures included."""
        if may(user, Ability.READ_ALL_REMINDERS):
            return self
        if not signed_in(user):
            return self.none()
        return self.filter(recipient=user)

    def editable_by(self, user):
        return self.none()


class Reminder(models.Model):
    """One e-mail to one person: a daily digest, a weekly summary or an event notice.

    The row is the *claim* taken before sending (see ``scsp.emails``): a unique constraint on
    (recipient, kind, period, key) means two runs can never both send it; the send result is
    recorded on it. Its text is kept so the recipient can read it in the browser; it holds
    only references and titles, never case narrative."""

    class Kind(models.TextChoices):
        DAILY_DIGEST = "daily_digest", _("Daily digest")
        WEEKLY_SUMMARY = "weekly_summary", _("Weekly escalation summary")
        EVENT = "event", _("Notice")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        CLAIMED = "claimed", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed; will be retried")

    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.DateField(help_text=_("The day (or week start) the message is for."))
    key = models.CharField(
        max_length=100, blank=True, default="",
        help_text=_("Distinguishes event notices on the same day, e.g. action:42:returned."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    subject = models.CharField(max_length=200)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period", "key"], name="one_reminder_per_key"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "claimed", "sent", "failed"]),
                name="reminder_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="reminder_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} for {self.period}"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a rare duplicate is recognisable as the same message."""
        return f"<reminder-{self.pk}.{self.kind}.{self.period:%Y%m%d}@scsp-reviews>"


# --- work kept across an error or the end of a session (scsp/kept_work.py) ------------------

def held_upload_to(instance, filename) -> str:
    """A random private name: never the person's file name, never served from a URL."""
    return f"held/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class HeldFile(models.Model):
    """A file attached to a form that came back with an error (or that arrived after the
    session ended), kept for its person and that form for ``KEPT_WORK_MINUTES``. The page
    resubmits it by ``token`` (random, bound to ``user`` and ``form_path``), never by path."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey("scsp.User", on_delete=models.CASCADE, related_name="+")
    form_path = models.CharField(max_length=300)
    field_name = models.CharField(max_length=100)
    file = models.FileField(upload_to=held_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=20, default="clean")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "form_path"])]

    def __str__(self):
        return self.original_name


class KeptDraft(models.Model):
    """What a person submitted after their session had ended: the form's fields (its files are
    :class:`HeldFile` rows named in ``data``), for the same person and the same page, until
    they sign in again and see it, or ``expires_at``."""

    user = models.ForeignKey("scsp.User", on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=300)
    data = models.JSONField(default=list)  # [[name, value], ...] in the order posted
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "path"])]

    def __str__(self):
        return self.path


class DeferredTask(models.Model):
    """An account e-mail (password reset, invitation) asked for while the task queue could not
    be reached: the task's name and arguments, kept until the outbox sweep runs it once
    (``scsp.emails.run_deferred``) and deletes the row. The link in the e-mail is made when it
    is sent, so the row never holds a token; a row older than ``DEFERRED_TASK_KEEP_HOURS`` is
    dropped unsent (the person may ask again)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be run")
        CLAIMED = "claimed", _("Running")
        FAILED = "failed", _("Failed; will be retried")

    task = models.CharField(max_length=100)
    arguments = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["pending", "claimed", "failed"]),
                                   name="deferred_task_status_valid"),
        ]

    def __str__(self):
        return f"{self.task} ({self.get_status_display()})"
