from django.urls import path

from anhuan.pollution.views import imports

urlpatterns = [
    path("lists/", imports.list_index, name="list-index"),
    path("lists/import/", imports.upload, name="import-upload"),
    path("lists/import/<int:pk>/", imports.job_detail, name="import-job"),
    path("lists/import/<int:pk>/status.json", imports.job_status, name="import-job-status"),
]
