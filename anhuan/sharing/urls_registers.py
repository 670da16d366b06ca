from django.urls import path

from anhuan.sharing import views_registers as views

urlpatterns = [
    path("registers/<slug:register>/", views.register_list, name="register-list"),
    path("registers/<slug:register>/new/", views.register_create, name="register-create"),
    path("registers/<slug:register>/import/", views.register_import, name="register-import"),
    path("registers/<slug:register>/export/", views.register_export, name="register-export"),
    path("registers/<slug:register>/template/", views.register_template, name="register-template"),
    path("registers/<slug:register>/<int:pk>/", views.register_detail, name="register-detail"),
    path("registers/<slug:register>/<int:pk>/edit/", views.register_edit, name="register-edit"),
    path("registers/<slug:register>/<int:pk>/delete/", views.register_delete, name="register-delete"),
]
