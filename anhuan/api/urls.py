"""API addresses, mounted at ``/api/`` by the project's URLconf.

Django's ``LoginRequiredMiddleware`` would redirect an anonymous API request to
the login page. The views are exempt from it, so DRF returns a JSON 403
(``not_authenticated``) for such a request instead.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from anhuan.api.authentication import SessionAuthentication
from anhuan.api.permissions import SeesSupervisedData
from anhuan.pollution import api as pollution_api

app_name = "api"

schema_view = SpectacularJSONAPIView.as_view(
    authentication_classes=[SessionAuthentication], permission_classes=[SeesSupervisedData]
)

urlpatterns = [
    path("v1/schema/", login_not_required(schema_view), name="schema"),
    path("v1/plan-items/", login_not_required(pollution_api.PlanItemList.as_view()), name="plan-items"),
    path(
        "v1/plan-items/<int:plan_item_id>/adhoc-measures/",
        login_not_required(pollution_api.AdhocMeasureCreate.as_view()),
        name="adhoc-measures",
    ),
]
