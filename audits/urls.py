from django.urls import path

from audits import views

app_name = "audits"

urlpatterns = [
    path("", views.AuditListView.as_view(), name="audit_list"),
    path("rota/", views.RotaView.as_view(), name="rota"),
    path("new/<slug:kind>/", views.AuditCreateView.as_view(), name="audit_create"),
    path("<int:pk>/", views.AuditDetailView.as_view(), name="audit_detail"),
    path("<int:pk>/edit/", views.AuditUpdateView.as_view(), name="audit_update"),
    path("<int:pk>/status/", views.AuditTransitionView.as_view(), name="audit_transition"),
    path("<int:pk>/agencies/", views.ParticipantsView.as_view(), name="participants_update"),
    path("<int:pk>/cases/", views.CaseListView.as_view(), name="case_list"),
    path("<int:pk>/cases/<int:case_pk>/remove/", views.CaseRemoveView.as_view(),
         name="case_remove"),
    path("<int:pk>/tool/", views.ToolListView.as_view(), name="tool_list"),
    path("<int:pk>/tool/<int:item_pk>/edit/", views.ToolItemUpdateView.as_view(),
         name="tool_item_update"),
    path("<int:pk>/tool/<int:item_pk>/remove/", views.ToolItemRemoveView.as_view(),
         name="tool_item_remove"),
    path("<int:pk>/returns/<int:return_pk>/", views.ReturnDetailView.as_view(),
         name="return_detail"),
    path("<int:pk>/returns/<int:return_pk>/cases/<int:case_pk>/",
         views.ReturnCaseUpdateView.as_view(), name="return_case_update"),
    path("<int:pk>/returns/<int:return_pk>/standards/", views.ReturnRatingsUpdateView.as_view(),
         name="return_ratings_update"),
    path("<int:pk>/returns/<int:return_pk>/submit/", views.ReturnSubmitView.as_view(),
         name="return_submit"),
    path("<int:pk>/returns/<int:return_pk>/reopen/", views.ReturnReopenView.as_view(),
         name="return_reopen"),
    path("<int:pk>/moderation/", views.ModerationView.as_view(), name="moderation_update"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:pk>/findings/new/", views.FindingCreateView.as_view(), name="finding_create"),
    path("<int:pk>/findings/<int:finding_pk>/actions/new/",
         views.FindingActionCreateView.as_view(), name="finding_action_create"),
    path("<int:pk>/presented/", views.RotaPresentedView.as_view(), name="rota_presented"),
    path("<int:pk>/report/", views.ReportView.as_view(), name="report"),
    path("<int:pk>/report.pdf", views.ReportPdfView.as_view(), name="report_pdf"),
]
