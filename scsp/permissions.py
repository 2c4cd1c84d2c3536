"""The permission pattern every app follows.

* Each scoped model's queryset has ``visible_to(user)`` and ``editable_by(user)``: the one source
  of truth for who may see and who may change a record.
* Views fetch one object with :func:`get_object_for_user`: **404** when the object is outside the
  user's scope (so its existence is not confirmed), **403** when it is visible but the view needs
  to change it and the user may not.
* Lists, exports and reports start from ``visible_to(user)`` and filter after it.
"""

from __future__ import annotations

import logging

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import Http404

security_log = logging.getLogger("scsp.security")


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
    try:
        obj = scoped(qs, user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
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
        raise PermissionDenied("You can see this record but not change it.")
    return obj


class RoleRequiredMixin(AccessMixin):
    """A page (not an object) open only to users for whom ``allowed(user)`` is true: 403 for
    the others. Object pages use :func:`get_object_for_user` instead."""

    def allowed(self, user) -> bool:  # pragma: no cover - every subclass overrides it
        return False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.allowed(request.user):
            raise PermissionDenied("Your role does not include this page.")
        return super().dispatch(request, *args, **kwargs)


def coordinator_only(user) -> bool:
    return getattr(user, "is_coordinator", False)
