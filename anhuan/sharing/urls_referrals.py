from django.urls import path

from anhuan.sharing import views_referrals as views

urlpatterns = [
    path("referrals/", views.ReferralListView.as_view(), name="referral-list"),
    path("referrals/new/", views.ReferralCreateView.as_view(), name="referral-new"),
    path("referrals/stats/", views.ReferralStatisticsView.as_view(), name="referral-stats"),
    path("referrals/files/<int:pk>/", views.ReferralFileView.as_view(), name="referral-file"),
    path("referrals/<int:pk>/", views.ReferralDetailView.as_view(), name="referral-detail"),
    path("referrals/<int:pk>/act/", views.ReferralActView.as_view(), name="referral-act"),
]
