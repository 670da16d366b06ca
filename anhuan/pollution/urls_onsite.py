from django.urls import path

from anhuan.pollution.views import onsite as views

urlpatterns = [
    path("onsite/", views.onsite_list, name="onsite-list"),
    path("onsite/schedule/<int:warning_id>/<int:enterprise_id>/", views.onsite_schedule, name="onsite-schedule"),
    path("onsite/<int:pk>/", views.onsite_detail, name="onsite-detail"),
    path("onsite/<int:pk>/record/", views.onsite_record, name="onsite-record"),
    path("onsite/<int:pk>/cancel/", views.onsite_cancel, name="onsite-cancel"),
    path("onsite/documents/<int:pk>/", views.document_download, name="onsite-document-download"),
    path("portal/documents/<int:warning_id>/", views.portal_documents, name="portal-documents"),
]
