from django.urls import path

from anhuan.pollution.views import consultations as views

urlpatterns = [
    path("consultations/<int:event_id>/", views.ConsultationDetailView.as_view(), name="consultation-detail"),
    path("consultations/<int:event_id>/opinions/", views.OpinionCreateView.as_view(), name="consultation-opinion"),
    path("consultations/<int:event_id>/conclusion/", views.ConclusionUpdateView.as_view(), name="consultation-conclusion"),
    path("consultations/<int:event_id>/confirm/", views.ConfirmView.as_view(), name="consultation-confirm"),
    path("consultations/<int:event_id>/plan.xlsx", views.PlanXlsxView.as_view(), name="consultation-plan-xlsx"),
    path("consultations/<int:event_id>/minutes.docx", views.MinutesDocxView.as_view(), name="consultation-minutes-docx"),
]
