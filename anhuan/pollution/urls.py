from django.urls import include, path

app_name = "pollution"
urlpatterns = [
    path("", include("anhuan.pollution.urls_imports")),
    path("", include("anhuan.pollution.urls_warnings")),
    path("", include("anhuan.pollution.urls_consultations")),
    path("", include("anhuan.pollution.urls_onsite")),
    path("", include("anhuan.pollution.urls_rosters")),
    path("", include("anhuan.pollution.urls_maintenance")),
    path("", include("anhuan.pollution.urls_portal")),
]
