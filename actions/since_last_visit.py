""""Since your last visit": what changed on a person's actions and target-date requests
since they last signed in (``User.previous_login``, kept by ``scsp.auth``), for the home
page's panel whatever the role.

* **Their actions**: those they lead, those their agency leads when they are the agency's
  lead (as the calendar feed), and those in plans they own; always within
  ``Action.objects.visible_to``. What changed comes from the change history's index
  (``scsp.audit.changes``: one ``ChangeEvent`` per version, with the fields as people read
  them), made by someone else since the previous sign-in.
* **Their requests**: the target-date changes they asked for that someone decided since.

Three queries, whatever the number of changes: the plans the person owns (``theirs``), the
events (joined to who made them; one more than shown is fetched, to tell whether there are
more) and the requests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse

from actions.models import Action, ActionPlan, TargetDateChange
from scsp.models import ChangeEvent

#: How many changes the panel lists (the most recent first).
SHOWN = 15
ACTION_LABEL = Action._meta.label


def theirs(user) -> QuerySet[Action]:
    """The actions that are ``user``'s to follow (the module's docstring).

    The plans they own are read first (one small query) so that each part of "theirs" is a
    condition on the action's own indexed columns: PostgreSQL then combines three index scans
    instead of joining every action to its plan (on the benchmark partnership's 20,000
    actions the panel's events query for an agency lead went from 29 ms to 10 ms; it was the
    costliest statement of a home page under ``make loadtest``)."""
    owned = list(ActionPlan.objects.filter(owner_id=user.pk).values_list("pk", flat=True))
    mine = Q(lead_officer_id=user.pk) | Q(plan_id__in=owned)
    if user.is_agency_lead:
        mine |= Q(lead_agency_id=user.agency_id)
    return Action.objects.visible_to(user).filter(mine)


@dataclass
class ActionChange:
    """One change to one of the person's actions, as the index describes it."""

    at: dt.datetime
    who: str
    reference: str
    label: str
    url: str
    created: bool
    #: [(field label, before, after)]
    fields: list[tuple[str, str, str]]
    reason: str = ""


@dataclass
class SinceLastVisit:
    since: dt.datetime | None
    changes: list[ActionChange] = field(default_factory=list)
    more: bool = False
    requests: list[TargetDateChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes and not self.requests


def since_last_visit(user, *, limit: int = SHOWN) -> SinceLastVisit:
    """What changed on ``user``'s actions and requests since ``user.previous_login``, by
    others (the module's docstring). Nothing before a second sign-in."""
    since = user.previous_login
    if since is None:
        return SinceLastVisit(since=None)
    keys = theirs(user).annotate(key=Cast("pk", CharField())).values("key")
    events = list(
        ChangeEvent.objects.filter(model_label=ACTION_LABEL, object_id__in=keys, at__gt=since)
        .exclude(user_id=user.pk).select_related("user").order_by("-at", "-id")[:limit + 1])
    changes = [
        ActionChange(
            at=e.at, who=e.user.full_name if e.user_id and e.user else "",
            reference=e.reference, label=e.label,
            url=reverse("actions:action_detail", args=[int(e.object_id)]),
            created=e.history_type == ChangeEvent.Type.CREATED,
            fields=[(label, before, after) for _name, label, before, after in e.changes],
            reason=e.reason)
        for e in events[:limit]]
    requests = list(
        TargetDateChange.objects.visible_to(user)
        .filter(requested_by_id=user.pk, decided_at__gt=since)
        .exclude(decided_by_id=user.pk)
        .select_related("action", "decided_by").order_by("-decided_at", "-id")[:limit])
    return SinceLastVisit(since=since, changes=changes, more=len(events) > limit,
                          requests=requests)


def home_panel(request):
    """The provider registered with ``scsp.dashboard``: every signed-in person's panel."""
    user = request.user
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return "actions/includes/since_last_visit.html", {"s": since_last_visit(user)}
