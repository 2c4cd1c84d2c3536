from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("", views.actions_home, name="index"),
    path("mine/", views.MyActionsView.as_view(), name="my_actions"),
    path("agency/", views.AgencyActionsView.as_view(), name="agency_actions"),
    path("all/", views.AllActionsView.as_view(), name="all_actions"),
    path("decisions/", views.DecisionsView.as_view(), name="decisions"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan_update"),
    path("plans/<int:pk>/recommendations/new/", views.RecommendationCreateView.as_view(),
         name="recommendation_create"),
    path("plans/<int:pk>/actions/new/", views.ActionCreateView.as_view(), name="action_create"),
    path("<int:pk>/", views.ActionDetailView.as_view(), name="action_detail"),
    path("<int:pk>/edit/", views.ActionEditView.as_view(), name="action_update"),
    path("<int:pk>/reassign/", views.ActionReassignView.as_view(), name="action_reassign"),
    path("<int:pk>/progress/", views.ActionProgressView.as_view(), name="action_progress"),
    path("<int:pk>/complete/", views.ActionCompleteView.as_view(), name="action_complete"),
    path("<int:pk>/impact/", views.ActionImpactView.as_view(), name="action_impact"),
    path("<int:pk>/target-date/", views.DateChangeRequestView.as_view(),
         name="date_change_request"),
    path("<int:pk>/sign-off/", views.ActionSignOffView.as_view(), name="action_sign_off"),
    path("<int:pk>/return/", views.ActionReturnView.as_view(), name="action_return"),
    path("<int:pk>/close/", views.ActionCloseView.as_view(), name="action_close"),
    path("target-date-requests/<int:pk>/", views.DateChangeDecideView.as_view(),
         name="date_change_decide"),
    path("impact-reviews/", views.ImpactRegisterView.as_view(), name="impact_register"),
    path("impact-reviews/<int:pk>/date/", views.ImpactReviewSetView.as_view(),
         name="impact_review_set"),
    path("impact-reviews/<int:pk>/evidence/", views.ImpactEvidenceView.as_view(),
         name="impact_evidence_add"),
    path("impact-reviews/<int:pk>/rate/", views.ImpactRateView.as_view(), name="impact_rate"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
