"""The access log: who viewed or downloaded which sensitive record, and when.

Written by services and views through :func:`record_access`; it never stores record content,
only the type, id and a reference (for example a case reference)."""

from __future__ import annotations

from django.db import models

from scsp.models import AccessEvent
from scsp.proxy import client_ip  # noqa: F401 - the one rule for the client's address


def record_access(
    *,
    user,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    label: str = "",
    request=None,
) -> AccessEvent:
    """Record one view, download, export or refusal. Returns the event."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        label = label or str(getattr(obj, "reference", "") or "")
    return AccessEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        label=label[:200],
        path=(request.get_full_path()[:500] if request is not None else ""),
        ip_address=client_ip(request),
    )
