from django.urls import path

from anhuan.facilities import views_providers as views

urlpatterns = [
    path("providers/", views.provider_list, name="provider-list"),
    path("providers/new/", views.provider_create, name="provider-create"),
    path("providers/import/", views.provider_import, name="provider-import"),
    path("providers/export/", views.provider_export, name="provider-export"),
    path("providers/template/", views.provider_template, name="provider-template"),
    path("providers/<int:pk>/", views.provider_detail, name="provider-detail"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="provider-edit"),
    path("providers/<int:pk>/evaluate/", views.provider_evaluate, name="provider-evaluate"),
    path("<int:pk>/provider/", views.facility_provider, name="facility-provider"),
    path("<int:pk>/responsible/", views.facility_responsible, name="facility-responsible"),
    path("unowned/", views.unowned, name="unowned"),
    path("unowned/export/", views.unowned_export, name="unowned-export"),
    path("unrectified/", views.unrectified, name="unrectified"),
    path("unrectified/export/", views.unrectified_export, name="unrectified-export"),
]
