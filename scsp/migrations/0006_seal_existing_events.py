"""Give the access events already recorded a kind in plain words and seal them into the access
log's chain (in the order they were written), then start both chains' heads.

The seal is computed as ``scsp.audit.chain`` computed it when this migration was written
(frozen here, as a migration must be): HMAC-SHA256 with ``settings.AUDIT_CHAIN_KEY``."""

import datetime as dt
import hashlib
import hmac
import ipaddress
import json

from django.conf import settings
from django.db import migrations

CHAINED = ("seq", "prev_hash", "at", "user_id", "agency_id", "kind", "object_type",
           "object_id", "label", "detail", "path", "ip_address", "status", "count",
           "request_id", "case_id", "case_reference", "other_cases", "removed")


def _value(name, value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if name == "ip_address" and value:
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            return str(value)
    return value


def _seal(event) -> str:
    content = [_value(n, getattr(event, n)) for n in CHAINED]
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), f"access\n{text}".encode(),
                    hashlib.sha256).hexdigest()


def _kind(event) -> str:
    old, kind_of = event.kind, event.object_type or ""
    if old == "view":
        return "view_minutes" if kind_of == "reviews.RapidReview" and "minutes" in event.path \
            else "view"
    if old == "download":
        if kind_of == "reviews.RapidReview":
            return "minutes_pdf"
        if kind_of.startswith("reports.") or kind_of == "audits.Audit":
            return "report"
        return "file"
    if old == "export":
        return "report" if kind_of.startswith("reports.") else "export"
    if old == "denied":
        return "refused"
    if old == "security":
        label = event.label or ""
        if label.startswith("password"):
            return "password"
        if label.startswith(("person", "invitation")):
            return "people"
        return "second_factor"
    return old if old else "view"


def seal_existing(apps, schema_editor):
    AccessEvent = apps.get_model("scsp", "AccessEvent")
    ChainHead = apps.get_model("scsp", "ChainHead")
    seq, last = 0, ""
    for event in AccessEvent.objects.select_related("user").order_by("at", "id").iterator():
        was_security = event.kind == "security"
        event.kind = _kind(event)
        if was_security:  # the old label said what changed: now the detail says it
            event.detail, event.label = event.label, ""
        event.agency_id = event.user.agency_id if event.user_id else None
        seq += 1
        event.seq, event.prev_hash = seq, last
        event.hash = last = _seal(event)
        event.save()
    ChainHead.objects.update_or_create(name="access", defaults={"seq": seq, "hash": last})
    ChainHead.objects.update_or_create(name="change", defaults={"seq": 0, "hash": ""})


class Migration(migrations.Migration):

    dependencies = [
        ("scsp", "0005_audit_trail"),
    ]

    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
