"""Forms for cases, children, Rapid Reviews, referral decisions and practice reviews.

Forms parse and present; the rules live in ``reviews.services``, which the views call with
``cleaned_data`` and whose ``ValidationError`` they put back on the form. Model forms here
therefore skip Django's model validation (:class:`ParseOnlyModelForm`), so a rule is stated
once, with one message.
"""

from reviews.forms._base import (
    IdentifierGuardMixin,
    ParseOnlyModelForm,
    active_agencies,
    active_themes,
    date_widget,
    helper,
    style_row_widgets,
    textarea,
)
from reviews.forms.cases import (
    CASE_DATE_FIELDS,
    BaseChildFormSet,
    CaseForm,
    ChildForm,
    LegalHoldForm,
    ReferralDecisionForm,
    child_formset,
)
from reviews.forms.practice_reviews import (
    BaseStageFormSet,
    BriefingUploadForm,
    CaseChoiceField,
    CompletionForm,
    OutcomeForm,
    ProgressCheckForm,
    RecommendationForm,
    ReviewForm,
    StageForm,
    stage_formset,
)
from reviews.forms.rapid_reviews import (
    RR_SECTIONS,
    ActionForm,
    AgencySummaryForm,
    AttendeeForm,
    BaseRowsFormSet,
    ChairSignOffForm,
    DecisionForm,
    OfficerChoiceField,
    PanelForm,
    RapidReviewForm,
    SignOffForm,
    attendee_formset,
    rows_formset,
    summary_formset,
)

__all__ = [
    "ActionForm",
    "AgencySummaryForm",
    "AttendeeForm",
    "BaseChildFormSet",
    "BaseRowsFormSet",
    "BaseStageFormSet",
    "BriefingUploadForm",
    "CASE_DATE_FIELDS",
    "CaseChoiceField",
    "CaseForm",
    "ChairSignOffForm",
    "ChildForm",
    "LegalHoldForm",
    "CompletionForm",
    "DecisionForm",
    "IdentifierGuardMixin",
    "OfficerChoiceField",
    "OutcomeForm",
    "PanelForm",
    "ParseOnlyModelForm",
    "ProgressCheckForm",
    "RR_SECTIONS",
    "RapidReviewForm",
    "RecommendationForm",
    "ReferralDecisionForm",
    "ReviewForm",
    "SignOffForm",
    "StageForm",
    "active_agencies",
    "active_themes",
    "attendee_formset",
    "child_formset",
    "date_widget",
    "helper",
    "rows_formset",
    "stage_formset",
    "style_row_widgets",
    "summary_formset",
    "textarea",
]
