from django.urls import include, path

app_name = "facilities"
urlpatterns = [
    path("", include("anhuan.facilities.urls_lifecycle")),
    path("", include("anhuan.facilities.urls_existing")),
    path("", include("anhuan.facilities.urls_providers")),
    path("", include("anhuan.facilities.urls_overview")),
]
