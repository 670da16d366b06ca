from django.urls import include, path

app_name = "sharing"
urlpatterns = [
    path("", include("anhuan.sharing.urls_registers")),
    path("", include("anhuan.sharing.urls_bulletins")),
    path("", include("anhuan.sharing.urls_referrals")),
]
