"""API addresses, mounted at ``/api/`` by the project's URLconf.

Django's ``LoginRequiredMiddleware`` would redirect an anonymous API request to
the login page. The JSON views are exempt from it, so DRF returns a JSON 401 or
403 for such a request instead. The documentation page is an ordinary
page and needs a signed-in user.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from anhuan.api.authentication import ApiClientTokenAuthentication, SessionAuthentication
from anhuan.api.docs import ApiDocsView
from anhuan.api.permissions import ClientOrSeesSupervisedData
from anhuan.api.throttling import ApiClientRateThrottle
from anhuan.pollution import api as pollution_api
from anhuan.sharing import api as sharing_api

app_name = "api"

schema_view = SpectacularJSONAPIView.as_view(
    authentication_classes=[SessionAuthentication, ApiClientTokenAuthentication],
    permission_classes=[ClientOrSeesSupervisedData],
    throttle_classes=[ApiClientRateThrottle],
)


def register_urls():
    """Two addresses per register: the list (GET, POST) and one row (GET, PATCH, DELETE)."""
    urls = []
    for name, viewset in sharing_api.REGISTER_VIEWSETS.items():
        urls += [
            path(
                f"v1/registers/{name}/",
                login_not_required(viewset.as_view({"get": "list", "post": "create"})),
                name=f"register-{name}-list",
            ),
            path(
                f"v1/registers/{name}/<int:pk>/",
                login_not_required(
                    viewset.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"})
                ),
                name=f"register-{name}-detail",
            ),
        ]
    return urls


urlpatterns = [
    path("v1/schema/", login_not_required(schema_view), name="schema"),
    path("v1/docs/", ApiDocsView.as_view(), name="docs"),
    path("v1/plan-items/", login_not_required(pollution_api.PlanItemList.as_view()), name="plan-items"),
    path(
        "v1/plan-items/<int:plan_item_id>/adhoc-measures/",
        login_not_required(pollution_api.AdhocMeasureCreate.as_view()),
        name="adhoc-measures",
    ),
    *register_urls(),
    path("v1/deletions/", login_not_required(sharing_api.DeletionList.as_view()), name="deletions"),
]
