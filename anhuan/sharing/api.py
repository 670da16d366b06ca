"""The data-exchange API of the four shared registers and of the deletion feed.

Other government systems call it with a client token and act inside the
client's scope (department, regions, read or write). Signed-in staff call it
with their session and act inside their own scope. Either way the views load
rows through the scope rule and change them only through the register
services, like the register pages.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from anhuan.api.authentication import ApiClientTokenAuthentication, SessionAuthentication
from anhuan.api.errors import ErrorSerializer
from anhuan.api.pagination import DeletionCursorPagination, SyncCursorPagination
from anhuan.api.permissions import ClientOrSeesSupervisedData
from anhuan.api.sync import PreciseDateTimeField, SyncTimeField
from anhuan.api.throttling import ApiClientRateThrottle
from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.enterprises.models import Enterprise
from anhuan.organizations.models import Agency
from anhuan.organizations.scope import region_ids_of
from anhuan.sharing.models import ApiClient, DeletedRecord, EnforcementRecord, EnvFacility, ProjectApproval, SafetyFacility
from anhuan.sharing.services import api_clients, registers


def client_of(request):
    """Return the API client a request acts for, or None for a signed-in user."""
    return request.auth if isinstance(request.auth, ApiClient) else None


def visible_rows(queryset, request):
    """Narrow a register queryset to what the client or the signed-in user may see."""
    client = client_of(request)
    if client is not None:
        return api_clients.visible_to_client(queryset, client)
    return queryset.visible_to(request.user)


class ReadsRegisters(ClientOrSeesSupervisedData):
    """API clients, and the staff and experts who read the registers on the pages."""

    message = gettext_lazy("Only staff and experts of the two departments read the shared registers.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return client_of(request) is not None or registers.can_read(request.user)


class ExchangeView:
    """Authentication, permission, throttling and formats shared by the exchange endpoints."""

    # The token comes first so that a request without credentials gets 401 and a WWW-Authenticate header.
    authentication_classes = [ApiClientTokenAuthentication, SessionAuthentication]
    permission_classes = [ReadsRegisters]
    throttle_classes = [ApiClientRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]


# --- Serializers ---------------------------------------------------------------------------------


class NaturalKeyField(serializers.SlugRelatedField):
    """A related object named by a unique text field.

    Text that PostgreSQL cannot store (NUL, lone surrogates) is rejected before the lookup, which would fail.
    """

    def to_internal_value(self, data):
        if isinstance(data, str) and ("\x00" in data or any("\ud800" <= character <= "\udfff" for character in data)):
            self.fail("invalid")
        return super().to_internal_value(data)


class ScopedEnterpriseField(NaturalKeyField):
    """An enterprise named by its unified social credit code, looked up inside the caller's scope."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="credit_code", **kwargs)

    def get_queryset(self):
        request = self.context["request"]
        client = client_of(request)
        if client is not None:
            return api_clients.visible_to_client(Enterprise.objects.all(), client)
        return Enterprise.objects.visible_to(request.user)


class RegisterSerializer(serializers.ModelSerializer):
    """Fields every register row has; the enterprise is written as its credit code."""

    enterprise = ScopedEnterpriseField(
        help_text=gettext_lazy("Unified social credit code of an enterprise inside the caller's scope.")
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, label=gettext_lazy("enterprise name"))
    region_code = serializers.CharField(
        source="region.code", read_only=True, allow_null=True, label=gettext_lazy("division code of the region")
    )
    region_name = serializers.CharField(source="region.name", read_only=True, label=gettext_lazy("region"))
    created_at = PreciseDateTimeField(label=gettext_lazy("created"))
    updated_at = PreciseDateTimeField(
        label=gettext_lazy("updated"), help_text=gettext_lazy("Time of the last change; the key of incremental sync.")
    )

    common_fields = ("id", "enterprise", "enterprise_name", "region_code", "region_name", "remark")
    stamp_fields = ("created_at", "updated_at")


class ApprovalSerializer(RegisterSerializer):
    owner = serializers.CharField(
        read_only=True, label=gettext_lazy("owner"), help_text=gettext_lazy("Department that keeps rows of this kind.")
    )

    class Meta:
        model = ProjectApproval
        fields = (
            *RegisterSerializer.common_fields, "project_name", "kind", "owner", "approval_number", "approval_date",
            "authority", *RegisterSerializer.stamp_fields,
        )


class SafetyFacilitySerializer(RegisterSerializer):
    class Meta:
        model = SafetyFacility
        fields = (
            *RegisterSerializer.common_fields, "name", "facility_type", "location", "commissioned_on", "status",
            *RegisterSerializer.stamp_fields,
        )


class EnvFacilitySerializer(RegisterSerializer):
    class Meta:
        model = EnvFacility
        fields = (
            *RegisterSerializer.common_fields, "name", "facility_type", "is_key", "capacity", "commissioned_on",
            "status", "operator_name", "upgraded_on", *RegisterSerializer.stamp_fields,
        )
        read_only_fields = ("is_key",)


class ScopedEnvFacilityField(serializers.PrimaryKeyRelatedField):
    """An environmental facility named by its id in the env-facilities register, looked up inside the caller's scope."""

    def get_queryset(self):
        request = self.context["request"]
        client = client_of(request)
        if client is not None:
            return api_clients.visible_to_client(EnvFacility.objects.all(), client)
        return EnvFacility.objects.visible_to(request.user)


class EnforcementSerializer(RegisterSerializer):
    facility = ScopedEnvFacilityField(
        required=False,
        allow_null=True,
        label=gettext_lazy("facility concerned"),
        help_text=gettext_lazy(
            "Id of the environmental facility (env-facilities register) the violation concerns, or null. "
            "It must belong to the record's enterprise."
        ),
    )
    facility_name = serializers.CharField(
        source="facility.name", read_only=True, allow_null=True, default=None, label=gettext_lazy("facility name")
    )
    agency = NaturalKeyField(
        slug_field="name",
        queryset=Agency.objects.all(),
        required=False,
        label=gettext_lazy("agency"),
        help_text=gettext_lazy(
            "Name of the agency that inspected, e.g. 信都区应急管理局. Required of API clients when adding a record; "
            "signed-in staff add records of their own agency. It cannot be changed later."
        ),
    )

    class Meta:
        model = EnforcementRecord
        fields = (
            *RegisterSerializer.common_fields, "agency", "department", "inspected_on", "inspectors", "findings",
            "violation", "facility", "facility_name", "measure", "harder_measure_reason", "amount",
            "rectification_deadline", "rectification_result", "rectified_on", *RegisterSerializer.stamp_fields,
        )
        read_only_fields = ("department",)

    def validate_agency(self, agency):
        if self.instance is not None and agency != self.instance.agency:
            raise serializers.ValidationError(
                _("The inspecting agency of a record cannot be changed; delete the record and add it again."),
                code="read_only",
            )
        return agency


class RegisterQuerySerializer(serializers.Serializer):
    updated_since = SyncTimeField(required=False)
    region = serializers.CharField(required=False, max_length=6)
    credit_code = serializers.CharField(required=False, max_length=18)


class DeletionQuerySerializer(serializers.Serializer):
    register = serializers.ChoiceField(choices=list(registers.REGISTERS), required=False)
    since = SyncTimeField(required=False)


class DeletionSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(
        source="region.code", read_only=True, allow_null=True, label=gettext_lazy("division code of the region")
    )
    deleted_at = PreciseDateTimeField(label=gettext_lazy("deleted at"))

    class Meta:
        model = DeletedRecord
        fields = ("id", "register", "object_id", "region_code", "deleted_at")


# --- Views -----------------------------------------------------------------------------------------

_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("A parameter or a field of the body is invalid.")),
    401: OpenApiResponse(ErrorSerializer, description=gettext_lazy("The token is missing, wrong or revoked.")),
    403: OpenApiResponse(
        ErrorSerializer, description=gettext_lazy("The client or user may not do this (read-only, or another department's register).")
    ),
    404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("No such row, or one outside the caller's regions.")),
    429: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Too many requests; wait the seconds in Retry-After.")),
}

SYNC_PARAMETERS = [
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description=gettext_lazy(
            "Only rows changed after this time (ISO 8601; without an offset, Asia/Shanghai time). "
            "Pass the sync_cursor saved from the last page of the previous sync."
        ),
    ),
    OpenApiParameter(
        "region", str, description=gettext_lazy("Only rows of the region with this 6-digit division code.")
    ),
    OpenApiParameter(
        "credit_code", str, description=gettext_lazy("Only rows of the enterprise with this credit code.")
    ),
]


class RegisterViewSet(
    ExchangeView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, add, change (PATCH) and delete rows of one shared register."""

    model = None
    pagination_class = SyncCursorPagination

    def get_queryset(self):
        rows = visible_rows(self.model.objects.all(), self.request).select_related("enterprise", "region")
        if self.model is EnforcementRecord:
            rows = rows.select_related("agency", "facility")
        return rows

    def list(self, request, *args, **kwargs):
        query = RegisterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data

        rows = self.get_queryset()
        if "updated_since" in filters:
            rows = rows.filter(updated_at__gt=filters["updated_since"])
        if "region" in filters:
            rows = rows.filter(region__code=filters["region"])
        if "credit_code" in filters:
            rows = rows.filter(enterprise__credit_code=filters["credit_code"])

        self.paginator.since = filters.get("updated_since")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        client = client_of(request)
        if client is not None:
            api_clients.require_write_access(client)
        elif not registers.can_edit(request.user, self.model):
            raise NotPermitted(_("You may not add rows to this register."))

        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)

        if client is not None:
            record = api_clients.create_record_for_client(self.model, client=client, **fields)
        else:
            agency = fields.pop("agency", None)
            if agency is not None and agency != request.user.agency:
                raise ValidationFailed(_("Agency: signed-in staff add records of their own agency."), field="agency")
            record = registers.create_record(self.model, actor=request.user, **fields)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        client = client_of(request)
        self._require_may_change(client, record)

        body = self.get_serializer(record, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        # The agency never changes; validate_agency rejected any other value.
        fields.pop("agency", None)

        if client is not None:
            api_clients.update_record_for_client(record, client=client, **fields)
        else:
            registers.update_record(record, actor=request.user, **fields)
        return Response(self.get_serializer(record).data)

    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        client = client_of(request)
        self._require_may_change(client, record)

        if client is not None:
            api_clients.delete_record_for_client(record, client=client)
        else:
            registers.delete_record(record, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _require_may_change(self, client, record):
        # Checked before the body so that a client without the right gets 403, not a 400 about its body.
        if client is not None:
            api_clients.require_write_access(client)
            api_clients.require_client_owns(client, registers.owner_of(record))
            return
        user = self.request.user
        if registers.can_edit(user, record):
            return
        if registers.owner_of(record) != user.department:
            raise NotPermitted(_("Only officers and leaders of the department that keeps this row may change it."))
        raise NotPermitted(_("Only officers and leaders may change register rows."))


def _register_viewset(name, model, serializer, label):
    """Build the viewset of one register, with its own name and schema texts."""
    viewset = type(
        f"{model.__name__}ViewSet",
        (RegisterViewSet,),
        {"model": model, "serializer_class": serializer, "queryset": model.objects.none()},
    )
    tags = [name]
    return extend_schema_view(
        list=extend_schema(
            summary=gettext_lazy("List rows, or the rows changed since the last sync"),
            description=label,
            parameters=SYNC_PARAMETERS,
            responses={200: OpenApiResponse(serializer(many=True), description=gettext_lazy("One page of rows.")), **_ERRORS},
            tags=tags,
        ),
        retrieve=extend_schema(
            summary=gettext_lazy("Read one row"),
            description=label,
            responses={200: OpenApiResponse(serializer, description=gettext_lazy("The row.")), **_ERRORS},
            tags=tags,
        ),
        create=extend_schema(
            summary=gettext_lazy("Add a row (write clients of the owning department)"),
            description=label,
            request=serializer,
            responses={201: OpenApiResponse(serializer, description=gettext_lazy("The added row.")), **_ERRORS},
            tags=tags,
        ),
        partial_update=extend_schema(
            summary=gettext_lazy("Change some fields of a row (write clients of the owning department)"),
            description=label,
            request=serializer,
            responses={200: OpenApiResponse(serializer, description=gettext_lazy("The changed row.")), **_ERRORS},
            tags=tags,
        ),
        destroy=extend_schema(
            summary=gettext_lazy("Delete a row (write clients of the owning department)"),
            description=label,
            responses={204: OpenApiResponse(description=gettext_lazy("Deleted; the deletion feed lists it from now on.")), **_ERRORS},
            tags=tags,
        ),
    )(viewset)


REGISTER_VIEWSETS = {
    "approvals": _register_viewset(
        "approvals", ProjectApproval, ApprovalSerializer,
        gettext_lazy("Construction project approvals: EIA approvals (ecology and environment) and safety approvals (emergency management)."),
    ),
    "safety-facilities": _register_viewset(
        "safety-facilities", SafetyFacility, SafetyFacilitySerializer,
        gettext_lazy("Safety facilities of enterprises, kept by emergency management."),
    ),
    "env-facilities": _register_viewset(
        "env-facilities", EnvFacility, EnvFacilitySerializer,
        gettext_lazy("Environmental treatment facilities of enterprises, kept by ecology and environment."),
    ),
    "enforcement": _register_viewset(
        "enforcement", EnforcementRecord, EnforcementSerializer,
        gettext_lazy("Supervision and enforcement records, kept by the department of the inspecting agency."),
    ),
}
assert set(REGISTER_VIEWSETS) == set(registers.REGISTERS)


class DeletionList(ExchangeView, ListAPIView):
    """Rows deleted from the registers, oldest first, so other systems can delete their copies."""

    serializer_class = DeletionSerializer
    pagination_class = DeletionCursorPagination
    queryset = DeletedRecord.objects.none()

    def get_queryset(self):
        rows = DeletedRecord.objects.select_related("region")
        client = client_of(self.request)
        if client is not None:
            return api_clients.visible_to_client(rows, client)
        regions = region_ids_of(self.request.user)
        return rows if regions is None else rows.filter(region__in=regions)

    @extend_schema(
        summary=gettext_lazy("List rows deleted from the registers since the last sync"),
        parameters=[
            OpenApiParameter(
                "register", str, enum=list(registers.REGISTERS),
                description=gettext_lazy("Only deletions from this register; all registers without it."),
            ),
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME,
                description=gettext_lazy("Only deletions after this time; pass the saved sync_cursor of this feed."),
            ),
        ],
        responses={
            200: OpenApiResponse(DeletionSerializer(many=True), description=gettext_lazy("One page of deletions.")),
            **_ERRORS,
        },
        tags=["deletions"],
    )
    def get(self, request, *args, **kwargs):
        query = DeletionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data

        rows = self.get_queryset()
        if "register" in filters:
            rows = rows.filter(register=filters["register"])
        if "since" in filters:
            rows = rows.filter(deleted_at__gt=filters["since"])

        self.paginator.since = filters.get("since")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
