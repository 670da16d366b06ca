from django.urls import path

from anhuan.pollution.views import rosters

urlpatterns = [
    path("rosters/", rosters.roster_list, name="roster-list"),
    path("rosters/export/", rosters.roster_export, name="roster-export"),
    path("rosters/<int:pk>/", rosters.roster_detail, name="roster-detail"),
    path("portal/rosters/<int:warning_id>/", rosters.portal_roster, name="portal-roster"),
]
