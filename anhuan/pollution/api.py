"""The pollution app's API: plan items and ad-hoc measures.

The views only parse the request, load the object inside the user's scope,
call the same service as the page and the command, and serialize the result.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from anhuan.api.authentication import SessionAuthentication
from anhuan.api.errors import ErrorSerializer
from anhuan.api.pagination import StandardPagination
from anhuan.api.permissions import SeesSupervisedData
from anhuan.core.errors import OutOfScope
from anhuan.core.timeutil import iso_local
from anhuan.pollution.models import PlanItem
from anhuan.pollution.services.adhoc import ADHOC_TYPES, add_adhoc_measure


class LocalDateTimeField(serializers.DateTimeField):
    """A date and time written as ISO 8601 with the +08:00 offset, to the second.

    Input without an offset is read as Asia/Shanghai time.
    """

    def to_representation(self, value):
        return iso_local(value)


def _number(**kwargs):
    return serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False, read_only=True, **kwargs)


class PlanItemSerializer(serializers.Serializer):
    """One plan item, with the fields of the consultation plan's JSON export plus its id and event."""

    id = serializers.IntegerField(read_only=True)
    event = serializers.IntegerField(source="plan.event_id", read_only=True)
    credit_code = serializers.CharField(read_only=True)
    enterprise = serializers.CharField(source="enterprise_name", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    production_line = serializers.CharField(read_only=True)
    measure_type = serializers.CharField(read_only=True)
    limit_percent = _number(allow_null=True)
    effective_at = LocalDateTimeField(read_only=True, allow_null=True)
    flags = serializers.ListField(child=serializers.CharField(), read_only=True)
    lead_time_gap_hours = _number(allow_null=True)


class PlanItemFilterSerializer(serializers.Serializer):
    event = serializers.IntegerField(required=False, min_value=1)


class AdhocMeasureInputSerializer(serializers.Serializer):
    """The request body; the range of the limit and the non-interruptible rule are checked by the service."""

    measure_type = serializers.ChoiceField(choices=ADHOC_TYPES)
    limit_percent = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    effective_at = LocalDateTimeField()


class AdhocMeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    event = serializers.IntegerField(source="event_id", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    enterprise = serializers.CharField(source="enterprise.name", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    production_line = serializers.CharField(read_only=True)
    measure_type = serializers.CharField(read_only=True)
    limit_percent = _number(allow_null=True)
    reason = serializers.CharField(read_only=True)
    effective_at = LocalDateTimeField(read_only=True)
    added_by = serializers.CharField(source="added_by.username", read_only=True)
    added_at = LocalDateTimeField(read_only=True)


class PlanItemList(generics.ListAPIView):
    """Plan items inside the user's scope, optionally of one warning event."""

    serializer_class = PlanItemSerializer
    authentication_classes = [SessionAuthentication]
    permission_classes = [SeesSupervisedData]
    pagination_class = StandardPagination

    def get_queryset(self):
        query = PlanItemFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        items = PlanItem.objects.visible_to(self.request.user).select_related("plan", "region")
        if "event" in query.validated_data:
            items = items.filter(plan__event_id=query.validated_data["event"])
        return items

    @extend_schema(
        parameters=[OpenApiParameter("event", int, description="Id of a warning event; without it, the items of all events.")],
        responses={200: PlanItemSerializer(many=True), 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AdhocMeasureCreate(APIView):
    """Add an ad-hoc halt or limit to the production line of one plan item."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [SeesSupervisedData]
    parser_classes = [JSONParser]

    @extend_schema(
        request=AdhocMeasureInputSerializer,
        responses={201: AdhocMeasureSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request, plan_item_id):
        # Contacts of another enterprise and staff of another region get 404, as for a missing item.
        item = PlanItem.objects.visible_to(request.user).filter(pk=plan_item_id).first()
        if item is None:
            raise OutOfScope()
        body = AdhocMeasureInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measure = add_adhoc_measure(item, actor=request.user, **body.validated_data)
        return Response(AdhocMeasureSerializer(measure).data, status=status.HTTP_201_CREATED)
