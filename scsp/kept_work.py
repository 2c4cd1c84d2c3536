"""No one loses what they typed or attached: files held across a form's errors, and what was
submitted after the session ended kept until the same person signs in again.

**Held files.** A form with a file input that comes back with errors (a mistake, the
identifier guard, a service's refusal) keeps the files it was sent: each one passes the upload
checks (registered by ``actions`` at start-up: :func:`register_upload_check`, which is
``actions.uploads.check_upload``: type by content, size, bombs, the virus scanner) and is
stored privately as a :class:`scsp.models.HeldFile` for that person and that form (its path)
for ``KEPT_WORK_MINUTES``. The page shows "Attached: name (size)" with a box to remove it and
resubmits it by a hidden random token (``_held_<field>``), never by a path. A token is only
used by the person it was made for, on the same form, before it expires; any other is
refused with a message on the field. When the form finally succeeds the held files go to the
service as if just uploaded (checked again there) and are deleted.

**Kept drafts.** A POST that arrives after the session ended (``SessionTimeoutMiddleware``),
to a page that can show it again (a :class:`scsp.generic.ServiceFormView`), is kept as a
:class:`scsp.models.KeptDraft` (its fields, its files held as above) for the person whose
session it was and that page, if its CSRF token is right. After signing in again (password and
second factor) as the same person, that page shows the form filled in with a message, once.
Nobody else gets it; nothing is kept in the browser.

Both are deleted when used, at sign-out, and by the nightly purge
(``scsp.tasks.retention_task``, ``manage.py purge_kept_work``).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.dispatch import receiver
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from scsp.models import HeldFile, KeptDraft

log = logging.getLogger("scsp.kept_work")

HELD_PREFIX = "_held_"
REMOVE_NAME = "_held_remove"
#: Never kept in a draft, whatever the form: the CSRF token, the identifier box (asked again),
#: and anything that looks like a secret.
NEVER_KEPT = ("csrfmiddlewaretoken", "confirm_no_identifiers", "submit")
SECRET_WORDS = ("password", "token", "secret", "code")

_UPLOAD_CHECK = []


def register_upload_check(check) -> None:
    """``check(upload)`` returns an object with ``original_name``, ``content_type``, ``size``,
    ``sha256``, ``scan_status`` or raises ``ValidationError`` (``actions.uploads``)."""
    _UPLOAD_CHECK[:] = [check]


def keep_for() -> dt.timedelta:
    return dt.timedelta(minutes=settings.KEPT_WORK_MINUTES)


def file_fields(form) -> list[str]:
    return [name for name, field in getattr(form, "fields", {}).items()
            if isinstance(field, forms.FileField)]


# --- held files ----------------------------------------------------------------------------

def hold(*, user, form_path: str, field_name: str, upload, now=None) -> HeldFile:
    """Check ``upload`` as evidence is checked and keep it for ``user`` on ``form_path``.
    Raises ``ValidationError`` (the check's message) when it is refused."""
    if not _UPLOAD_CHECK:
        raise ValidationError(_("Files cannot be kept at the moment: select it again."))
    checked = _UPLOAD_CHECK[0](upload)
    now = now or timezone.now()
    held = HeldFile(token=secrets.token_urlsafe(32), user=user, form_path=form_path[:300],
                    field_name=field_name[:100], original_name=checked.original_name,
                    content_type=checked.content_type, size=checked.size,
                    sha256=checked.sha256, scan_status=checked.scan_status, created_at=now,
                    expires_at=now + keep_for())
    upload.seek(0)
    held.file.save("held", upload, save=False)
    try:
        held.save()
    except Exception:
        held.file.storage.delete(held.file.name)
        raise
    return held


def open_held(held: HeldFile):
    """The held file as an upload: its stored bytes under the person's file name."""
    upload = File(held.file.storage.open(held.file.name, "rb"), name=held.original_name)
    upload.size = held.size  # any storage's file (an S3 object's size is read-only)
    return upload


def discard(rows) -> int:
    """Delete held files, their stored bytes first."""
    count = 0
    for held in list(rows):
        try:
            held.file.storage.delete(held.file.name)
        except OSError:  # pragma: no cover - a missing file is already gone
            log.warning("held file %s could not be deleted from storage", held.pk)
        held.delete()
        count += 1
    return count


def not_available_message() -> str:
    hours = settings.KEPT_WORK_MINUTES / 60
    return _("A file you attached earlier is no longer kept (files are kept for %(time)s): "
             "select it again.") % {"time": (_("%(n)g hours") % {"n": hours}) if hours != 1
                                    else _("1 hour")}


class HeldFiles:
    """The held files of one form on one request: read from the hidden tokens, merged into
    the form's files before it is validated, topped up with new uploads when it comes back
    with errors, deleted when it succeeds."""

    def __init__(self, request):
        self.request = request
        self.path = request.path
        self.by_field: dict[str, list[HeldFile]] = {}
        self.refused: dict[str, int] = {}

    def _valid(self, tokens, field_name):
        now = timezone.now()
        rows = {h.token: h for h in HeldFile.objects.filter(
            token__in=tokens, user=self.request.user, form_path=self.path,
            field_name=field_name, expires_at__gt=now)} if tokens else {}
        return [rows[t] for t in tokens if t in rows], sum(1 for t in tokens if t not in rows)

    def from_data(self, form, data) -> None:
        """Read the tokens in ``data`` (a POST or a kept draft); drop those ticked "Remove"."""
        if not self.request.user.is_authenticated:
            return
        removed = set(data.getlist(REMOVE_NAME))
        for name in file_fields(form):
            tokens = [t for t in data.getlist(HELD_PREFIX + name) if t][:20]
            keep = [t for t in tokens if t not in removed]
            gone = [t for t in tokens if t in removed]
            if gone:
                discard(HeldFile.objects.filter(token__in=gone, user=self.request.user))
            rows, refused = self._valid(keep, name)
            self.by_field[name] = rows
            if refused:
                self.refused[name] = refused

    def merge_into(self, form) -> None:
        """Put the held files into the form's files, after any chosen now (a single-file
        field keeps a newly chosen file instead)."""
        files = MultiValueDict({k: list(v) for k, v in form.files.lists()})
        for name, rows in self.by_field.items():
            key = form.add_prefix(name)
            new = [f for f in files.getlist(key) if f]
            field = form.fields[name]
            multiple = getattr(field.widget, "allow_multiple_selected", False)
            if new and not multiple:
                continue
            files.setlist(key, new + [open_held(h) for h in rows])
        form.files = files

    def add_refusals(self, form) -> None:
        for name in self.refused:
            form.add_error(name, not_available_message())

    def hold_new(self, form) -> None:
        """Keep each file chosen now that passes the checks (a refused one gets its message
        on the field); the form then shows every held file."""
        if not self.request.user.is_authenticated:
            return
        for name in file_fields(form):
            key = form.add_prefix(name)
            rows = self.by_field.setdefault(name, [])
            new = [f for f in self.request.FILES.getlist(key) if f]
            multiple = getattr(form.fields[name].widget, "allow_multiple_selected", False)
            for upload in new:
                try:
                    held = hold(user=self.request.user, form_path=self.path, field_name=name,
                                upload=upload)
                except ValidationError as exc:
                    messages_now = {str(e) for e in form.errors.get(name, [])}
                    for message in exc.messages:
                        if message not in messages_now:
                            form.add_error(name, message)
                    continue
                if not multiple:
                    discard(rows)
                    rows[:] = []
                rows.append(held)

    def show_on(self, form) -> None:
        for name in file_fields(form):
            form.fields[name].held_files = self.by_field.get(name, [])

    def used(self) -> None:
        discard(h for rows in self.by_field.values() for h in rows)
        self.by_field = {}


# --- kept drafts ---------------------------------------------------------------------------

def _kept_name(name: str) -> bool:
    lower = name.lower()
    return name not in NEVER_KEPT and name != REMOVE_NAME and not any(
        word in lower for word in SECRET_WORDS if not lower.startswith(HELD_PREFIX))


def view_keeps_drafts(path: str) -> bool:
    """Whether the page at ``path`` can show a kept draft again (a ServiceFormView)."""
    from scsp.generic import ServiceFormView

    try:
        match = resolve(path)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    return isinstance(view_class, type) and issubclass(view_class, ServiceFormView) and getattr(
        view_class, "keeps_drafts", True)


def csrf_ok(request) -> bool:
    from django.middleware.csrf import CsrfViewMiddleware

    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is None


@transaction.atomic
def keep_draft(request, user) -> KeptDraft | None:
    """Keep what ``request`` (a POST that came after ``user``'s session ended) submitted, for
    ``user`` and this page. None when the page cannot show it again or the POST is not a
    genuine one from our page (its CSRF token)."""
    path = request.path
    if not view_keeps_drafts(request.path_info) or not csrf_ok(request):
        return None
    now = timezone.now()
    data = [[name, value] for name, values in request.POST.lists() if _kept_name(name)
            for value in values if not name.startswith(HELD_PREFIX)]
    removed = set(request.POST.getlist(REMOVE_NAME))
    for name, values in request.POST.lists():
        if name.startswith(HELD_PREFIX) and name != REMOVE_NAME:
            field = name[len(HELD_PREFIX):]
            valid = HeldFile.objects.filter(
                token__in=[v for v in values if v not in removed][:20], user=user,
                form_path=path, field_name=field, expires_at__gt=now)
            for held in valid:
                held.expires_at = now + keep_for()
                held.save(update_fields=["expires_at"])
                data.append([name, held.token])
    for key, uploads in request.FILES.lists():
        for upload in uploads:
            try:
                held = hold(user=user, form_path=path, field_name=key, upload=upload, now=now)
            except ValidationError:
                continue  # a refused file is not kept; the person chooses it again
            data.append([HELD_PREFIX + key, held.token])
    KeptDraft.objects.filter(user=user, path=path).delete()
    return KeptDraft.objects.create(user=user, path=path[:300], data=data, created_at=now,
                                    expires_at=now + keep_for())


def take_draft(request) -> QueryDict | None:
    """The draft this person left on this page, as posted data, removed as it is shown."""
    user = request.user
    if not user.is_authenticated:
        return None
    draft = KeptDraft.objects.filter(user=user, path=request.path,
                                     expires_at__gt=timezone.now()).order_by("-pk").first()
    if draft is None:
        return None
    KeptDraft.objects.filter(user=user, path=request.path).delete()
    data = QueryDict(mutable=True)
    for name, value in draft.data:
        data.appendlist(name, value)
    return data


def restore(form, data) -> None:
    """Fill an unbound form with kept data, field by field as its widgets read a POST (tick
    boxes, several choices), without validating it."""
    for name, field in form.fields.items():
        if not _kept_name(name) or isinstance(field, forms.FileField):
            continue
        form.initial[name] = field.widget.value_from_datadict(data, {}, form.add_prefix(name))


class KeptWorkMixin:
    """For :class:`scsp.generic.ServiceFormView`: held files and kept drafts (the module's
    docstring). ``keeps_drafts = False`` opts a page out of drafts."""

    keeps_drafts = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not hasattr(form, "fields"):  # a formset: no file inputs, nothing to restore
            return form
        self.held_files = HeldFiles(self.request)
        if form.is_bound:
            self.held_files.from_data(form, self.request.POST)
            self.held_files.merge_into(form)
        elif self.request.method == "GET" and self.keeps_drafts:
            data = take_draft(self.request)
            if data is not None:
                restore(form, data)
                self.held_files.from_data(form, data)
                messages.info(self.request, _("We kept what you typed when your session "
                                              "ended. Check it and submit again."))
        self.held_files.show_on(form)
        return form

    def form_invalid(self, form):
        held = getattr(self, "held_files", None)
        if held is not None and hasattr(form, "fields"):
            held.add_refusals(form)
            held.hold_new(form)
            held.show_on(form)
        return super().form_invalid(form)

    def held_files_refused(self) -> bool:
        """A held-file token was refused: the form comes back (``ServiceFormView``)."""
        held = getattr(self, "held_files", None)
        return bool(held is not None and held.refused)

    def held_files_used(self) -> None:
        """The form succeeded: its held files have been saved by the service."""
        held = getattr(self, "held_files", None)
        if held is not None:
            held.used()


# --- clearing up ---------------------------------------------------------------------------

def purge(*, now=None) -> tuple[int, int]:
    """Delete expired held files and drafts. Returns (files, drafts)."""
    now = now or timezone.now()
    files = discard(HeldFile.objects.filter(expires_at__lte=now))
    drafts, _details = KeptDraft.objects.filter(expires_at__lte=now).delete()
    return files, drafts


def forget(user) -> None:
    discard(HeldFile.objects.filter(user=user))
    KeptDraft.objects.filter(user=user).delete()


@receiver(user_logged_out)
def forget_at_sign_out(sender, request=None, user=None, **kwargs):
    """Signing out deletes what was kept for the person; the end of a session does not (that
    is when drafts are made)."""
    if user is not None and not getattr(request, "_scsp_session_ended", False):
        forget(user)
