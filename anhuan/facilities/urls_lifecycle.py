from django.urls import path

from anhuan.facilities import views_lifecycle as views

urlpatterns = [
    path("", views.FacilityListView.as_view(), name="list"),
    path("<int:pk>/", views.FacilityDetailView.as_view(), name="detail"),
    path("<int:pk>/share/", views.ShareView.as_view(), name="share"),
    path("<int:pk>/env-demonstration/", views.EnvDemonstrationView.as_view(), name="env-demonstration"),
    path("<int:pk>/remind/", views.RemindView.as_view(), name="remind"),
    path("<int:pk>/safety-demonstration/", views.SafetyDemonstrationView.as_view(), name="safety-demonstration"),
    path("<int:pk>/design/", views.DesignView.as_view(), name="design"),
    path("<int:pk>/construction-plan/", views.ConstructionPlanView.as_view(), name="construction-plan"),
    path("<int:pk>/checkpoint/<str:checkpoint>/", views.CheckpointView.as_view(), name="checkpoint"),
    path("<int:pk>/acceptance/", views.AcceptanceView.as_view(), name="acceptance"),
    path("<int:pk>/status/", views.StatusView.as_view(), name="status"),
    path("<int:pk>/finding/", views.FindingView.as_view(), name="finding"),
    path("files/<str:model>/<int:pk>/", views.FileView.as_view(), name="file"),
]
