from django.urls import path
from django.views.generic import TemplateView

app_name = "pollution"
urlpatterns = [
    path("warnings/", TemplateView.as_view(template_name="pollution/placeholder.html"), name="warning-list"),
    path("lists/", TemplateView.as_view(template_name="pollution/placeholder.html"), name="list-index"),
]
