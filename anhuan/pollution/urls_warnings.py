from django.urls import path

from anhuan.pollution.views import warnings

urlpatterns = [
    path("warnings/", warnings.warning_list, name="warning-list"),
    path("warnings/new/", warnings.warning_issue, name="warning-issue"),
    path("warnings/<int:pk>/", warnings.warning_detail, name="warning-detail"),
    path("warnings/<int:pk>/change/", warnings.warning_change, name="warning-change"),
]
