from django.urls import path

from anhuan.core import views_inbox, views_policy

urlpatterns = [
    path("inbox/", views_inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views_inbox.inbox_read, name="inbox-read"),
    path("inbox/read-all/", views_inbox.inbox_read_all, name="inbox-read-all"),
    path("todo/", views_inbox.todo, name="todo"),
    path("settings/policy/", views_policy.policy_settings, name="policy-settings"),
]
