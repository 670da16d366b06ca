from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from anhuan.core import views as core_views

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("enterprises/", include("anhuan.enterprises.urls")),
    path("pollution/", include("anhuan.pollution.urls")),
    path("experts/", include("anhuan.experts.urls")),
    path("sharing/", include("anhuan.sharing.urls")),
    path("facilities/", include("anhuan.facilities.urls")),
    path("api/", include("anhuan.api.urls")),
    path("", include("anhuan.core.urls")),
]
