from django.urls import path

from anhuan.pollution.views import adhoc, portal

urlpatterns = [
    path("portal/", portal.portal_home, name="portal-home"),
    path("portal/receipt/<int:event_id>/", portal.portal_receipt, name="portal-receipt"),
    path("portal/receipts/<int:event_id>/", portal.receipt_list, name="receipt-list"),
    path("adhoc/new/<int:plan_item_id>/", adhoc.adhoc_new, name="adhoc-new"),
]
