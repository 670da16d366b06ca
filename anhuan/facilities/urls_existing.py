from django.urls import path

from anhuan.facilities import views_existing as views

urlpatterns = [
    path("due/", views.due, name="due"),
    path("due/export/", views.due_export, name="due-export"),
    path("orders/", views.order_list, name="order-list"),
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
    path("orders/<int:pk>/lift/", views.order_lift, name="order-lift"),
    path("orders/<int:pk>/docx/", views.order_docx, name="order-docx"),
    path("<int:pk>/order/", views.order_issue, name="order-issue"),
    path("<int:pk>/assessment/", views.assessment, name="assessment"),
    path("<int:pk>/diagnosis/", views.diagnosis, name="diagnosis"),
    path("<int:pk>/designed/", views.designed, name="designed"),
    path("<int:pk>/risk/", views.risk, name="risk"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk-edit"),
    path("risks/<int:pk>/retire/", views.risk_retire, name="risk-retire"),
    path("<int:pk>/hazard/", views.hazard, name="hazard"),
    path("hazards/<int:pk>/rectify/", views.hazard_rectify, name="hazard-rectify"),
    path("reports/<slug:kind>/<int:pk>/", views.existing_file, name="existing-file"),
    path("reports/<slug:kind>/<int:pk>/upload/", views.report_upload, name="report-upload"),
    path("assessments/import/", views.records_import, {"kind": "assessment"}, name="assessment-import"),
    path("assessments/export/", views.records_export, {"kind": "assessment"}, name="assessment-export"),
    path("assessments/template/", views.records_template, {"kind": "assessment"}, name="assessment-template"),
    path("diagnoses/import/", views.records_import, {"kind": "diagnosis"}, name="diagnosis-import"),
    path("diagnoses/export/", views.records_export, {"kind": "diagnosis"}, name="diagnosis-export"),
    path("diagnoses/template/", views.records_template, {"kind": "diagnosis"}, name="diagnosis-template"),
]
