"""What leaves the site as a file: evidence downloads and the personal calendar feed."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from actions import ics, selectors, services
from actions.forms import (
    CalendarResetForm,
)
from actions.models import Evidence, ScanStatus
from scsp.audit import Kind, record_access
from scsp.models import User
from scsp.permissions import get_object_for_user
from scsp.storage import StorageUnavailable

log = logging.getLogger(__name__)
#: What ``scsp.models.new_calendar_token`` issues (``secrets.token_urlsafe(32)``: 43
#: characters), with room for longer ones.
CALENDAR_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")

# --- evidence --------------------------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name per RFC 6266 / RFC 5987."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def unscanned_file_response(request, record, *, back_url: str):
    """The page for a file that may not be downloaded (yet): 409 while it waits for its
    virus scan, 410 once the scan removed it. Used for evidence and learning briefings."""
    waiting = record.scan_status == ScanStatus.WAITING
    log.info("download refused: %s %s is %s", record._meta.label, record.pk, record.scan_status)
    return render(request, "actions/file_unavailable.html",
                  {"record": record, "waiting": waiting, "back_url": back_url},
                  status=409 if waiting else 410)


class EvidenceDownloadView(View):
    """Evidence leaves only through here: in scope, scanned clean, as an attachment, never
    rendered by the browser, and logged."""

    def get(self, request, pk):
        evidence = get_object_for_user(Evidence.objects.select_related("action"), request.user,
                                       pk=pk)
        if not evidence.downloadable:
            return unscanned_file_response(request, evidence,
                                           back_url=evidence.action.get_absolute_url())
        try:
            handle = evidence.file.open("rb")
        except StorageUnavailable:
            raise  # the store cannot be reached: a 503 (scsp.views.errors), not "missing"
        except OSError:
            log.error("evidence file missing: evidence=%s", evidence.pk)
            raise Http404(_("The file is missing.")) from None
        record_access(user=request.user, kind=Kind.FILE, obj=evidence,
                      label=f"{evidence.action.reference}: evidence {evidence.pk}",
                      request=request)
        response = FileResponse(handle, content_type=evidence.content_type)
        response["Content-Disposition"] = content_disposition(evidence.original_name)
        response["Content-Length"] = str(evidence.size)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "no-store, private"
        return response


# --- calendar feed ---------------------------------------------------------------------------


class CalendarView(FormView):
    """Show the person's secret feed address, and let them replace it (revoking the old)."""

    template_name = "actions/calendar.html"
    form_class = CalendarResetForm

    def get_context_data(self, **kwargs):
        user = self.request.user
        url = settings.SITE_URL + reverse("actions:calendar_feed",
                                          args=[user.calendar_token])
        upcoming = list(selectors.calendar_actions_for(user)[:5])
        return super().get_context_data(feed_url=url, upcoming=upcoming,
                                        today=timezone.localdate(), **kwargs)

    def form_valid(self, form):
        services.calendar_token_regenerate(user=self.request.user)
        messages.success(self.request, _("Your calendar address has been replaced. The old "
                                         "address no longer works: subscribe again with the "
                                         "new one."))
        return redirect("actions:calendar")


@login_not_required
@never_cache
def calendar_feed(request, token):
    """The ICS feed, found by its secret token alone (calendar apps cannot sign in). Only a
    token of the shape we issue is looked up: anything else is a 404 without a query."""
    user = (User.objects.filter(calendar_token=token, is_active=True).first()
            if CALENDAR_TOKEN.fullmatch(token) else None)
    if user is None:
        raise Http404("No such calendar.")
    now = timezone.now()
    today = timezone.localdate(now)
    body = ics.build_feed(user, selectors.calendar_actions_for(user), today=today, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="scsp-actions.ics"'
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex"
    return response
