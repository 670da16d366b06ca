from django.urls import path

from anhuan.facilities import views_overview as views

urlpatterns = [
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("key-types/", views.KeyTypesView.as_view(), name="key-types"),
]
