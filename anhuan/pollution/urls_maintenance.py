from django.urls import path

from anhuan.pollution.views import maintenance as views

urlpatterns = [
    path("maintenance/", views.StaffListView.as_view(), name="maintenance-list"),
    path("maintenance/<int:pk>/", views.StaffDetailView.as_view(), name="maintenance-detail"),
    path("maintenance/<int:pk>/request.docx", views.StaffDocxView.as_view(), name="maintenance-docx"),
    path("maintenance/<int:pk>/attachments/<int:attachment_id>/", views.StaffAttachmentView.as_view(),
         name="maintenance-attachment"),
    path("maintenance/<int:pk>/<slug:action>/", views.StaffActionView.as_view(), name="maintenance-action"),
    path("portal/maintenance/", views.PortalListView.as_view(), name="portal-maintenance-list"),
    path("portal/maintenance/new/", views.PortalCreateView.as_view(), name="portal-maintenance-new"),
    path("portal/maintenance/<int:pk>/", views.PortalDetailView.as_view(), name="portal-maintenance-detail"),
    path("portal/maintenance/<int:pk>/request.docx", views.PortalDocxView.as_view(), name="portal-maintenance-docx"),
    path("portal/maintenance/<int:pk>/attachments/<int:attachment_id>/", views.PortalAttachmentView.as_view(),
         name="portal-maintenance-attachment"),
    path("portal/maintenance/<int:pk>/<slug:action>/", views.PortalActionView.as_view(), name="portal-maintenance-action"),
]
