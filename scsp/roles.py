"""The roles a person can have. Kept apart from the models so that the permission rules
(``scsp.permissions``) and the models can both import it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does in the partnership; it decides what they may see and change."""

    COORDINATOR = "coordinator", _("Review co-ordinator (business unit)")
    CHAIR = "chair", _("Chair")
    SCRUTINEER = "scrutineer", _("Independent scrutineer")
    AGENCY_LEAD = "agency_lead", _("Agency safeguarding lead")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")


#: Roles that may read every record in the partnership.
PARTNERSHIP_WIDE_ROLES = frozenset({Role.COORDINATOR, Role.CHAIR, Role.SCRUTINEER})
