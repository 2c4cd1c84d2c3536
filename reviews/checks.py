"""System check: the Rapid Review anchor setting must be one the clocks know."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.compatibility)
def rapid_review_anchor(app_configs=None, **kwargs):
    from reviews.clocks import RapidReviewAnchor, rapid_review_anchor_setting

    try:
        rapid_review_anchor_setting()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), hint="Choose one of: " + ", ".join(
            RapidReviewAnchor.values), id="reviews.E001")]
    return []
