from django.urls import include, path

app_name = "pollution"
urlpatterns = [
    path("", include("anhuan.pollution.urls_imports")),
    path("", include("anhuan.pollution.urls_warnings")),
    path("", include("anhuan.pollution.urls_consultations")),
]
