from django.urls import path

from anhuan.sharing import views_bulletins as views

urlpatterns = [
    path("bulletins/", views.BulletinListView.as_view(), name="bulletin-list"),
    path("bulletins/new/", views.BulletinCreateView.as_view(), name="bulletin-new"),
    path("bulletins/<int:pk>/", views.BulletinDetailView.as_view(), name="bulletin-detail"),
    path("bulletins/<int:pk>/acknowledge/", views.BulletinAcknowledgeView.as_view(), name="bulletin-acknowledge"),
    path("bulletins/<int:pk>/bulletin.docx", views.BulletinDocxView.as_view(), name="bulletin-docx"),
]
