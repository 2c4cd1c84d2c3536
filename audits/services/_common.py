"""What every audit service shares: who may manage audits, the checks on where an audit
stands, the row lock, and the clean-up of text and of pseudonymised case references."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from audits.models import Audit
from scsp.permissions import Ability, require

#: A pseudonymised case reference: letters, digits, spaces, hyphens and slashes.
CASE_REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /\-]{0,39}$")


def require_manager(by) -> None:
    """Raise ``PermissionDenied`` unless ``by`` manages audits (the co-ordinator)."""
    require(by, Ability.MANAGE_AUDITS, _("Only the co-ordinator manages audits."))


def require_status(audit: Audit, allowed: Iterable[str], message: str) -> None:
    """Raise ``ValidationError(message)`` unless the audit's status is one of ``allowed``."""
    if audit.status not in allowed:
        raise ValidationError(message)


def raise_if(errors: dict) -> None:
    """Raise ``ValidationError(errors)`` when there are any."""
    if errors:
        raise ValidationError(errors)


def locked_audit(audit: Audit) -> Audit:
    """Re-read the audit under a row lock so two people cannot move it at once."""
    return Audit.objects.select_for_update().get(pk=audit.pk)


def one_line(text: str | None) -> str:
    """``text`` with its runs of white space (new lines included) squeezed to one space."""
    return " ".join((text or "").split())


def clean_case_reference(reference: str) -> str:
    """A case reference in capitals with its spaces squeezed. Raises ``ValidationError``
    (keyed ``reference``) for anything that is not a pseudonymised reference."""
    reference = one_line(reference)
    if not CASE_REFERENCE_RE.match(reference):
        raise ValidationError(
            {"reference": _("“%(ref)s” is not a case reference. Use letters, numbers and "
                            "hyphens, for example SLPR-2026-004 or MACFA-NP-01 (at most 40 "
                            "characters), and never a child's name.") % {"ref": reference[:60]}}
        )
    return reference.upper()
