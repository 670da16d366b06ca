from django.urls import path

from anhuan.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="list"),
]
