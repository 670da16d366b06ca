"""Shared registers, bulletins, referrals and the data-exchange clients.

Each register is owned by one department: only its staff edit, both see.
Every register row carries ``updated_at`` (indexed) for incremental sync, and
deletions are kept in ``DeletedRecord`` so other systems can follow them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anhuan.organizations.models import Department
from anhuan.organizations.scope import ScopedQuerySet, region_ids_of


class RegisterQuerySet(ScopedQuerySet):
    scope_region_field = "region"
    scope_enterprise_field = "enterprise"


class RegisterRecord(models.Model):
    """Fields every register row shares: the enterprise, its region, and who changed it when."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    # Copied from the enterprise so scope filters need no join.
    region = models.ForeignKey("organizations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    remark = models.CharField(_("remark"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+")

    objects = RegisterQuerySet.as_manager()

    # The department whose staff may edit rows of this register.
    owner_department = None

    class Meta:
        abstract = True


class ApprovalKind(models.TextChoices):
    EIA = "eia", _("EIA approval")
    SAFETY_CONDITIONS = "safety_conditions", _("safety conditions review")
    SAFETY_DESIGN = "safety_design", _("safety facilities design review")
    COMPLETION_ACCEPTANCE = "completion_acceptance", _("completion acceptance of safety facilities")


# The department that owns each kind of approval record.
APPROVAL_OWNERS = {
    ApprovalKind.EIA: Department.ENVIRONMENT,
    ApprovalKind.SAFETY_CONDITIONS: Department.EMERGENCY,
    ApprovalKind.SAFETY_DESIGN: Department.EMERGENCY,
    ApprovalKind.COMPLETION_ACCEPTANCE: Department.EMERGENCY,
}


class ProjectApproval(RegisterRecord):
    """An approval of a construction project: the EIA approval or one of the safety approvals."""

    project_name = models.CharField(_("project name"), max_length=200)
    kind = models.CharField(_("approval"), max_length=24, choices=ApprovalKind.choices)
    approval_number = models.CharField(_("approval number"), max_length=100)
    approval_date = models.DateField(_("approval date"))
    authority = models.CharField(_("approving authority"), max_length=100)

    class Meta:
        verbose_name = _("construction project approval")
        verbose_name_plural = _("construction project approvals")
        ordering = ["-approval_date", "-id"]

    def __str__(self):
        return f"{self.project_name} · {self.approval_number}"

    @property
    def owner(self):
        return APPROVAL_OWNERS[self.kind]


class FacilityStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    UNDER_CONSTRUCTION = "under_construction", _("under construction")
    IN_OPERATION = "in_operation", _("in operation")
    STOPPED = "stopped", _("stopped")
    DECOMMISSIONED = "decommissioned", _("decommissioned")


class SafetyFacility(RegisterRecord):
    """A safety facility of an enterprise (安全设施), kept by the emergency side."""

    owner_department = Department.EMERGENCY

    name = models.CharField(_("facility name"), max_length=200)
    facility_type = models.CharField(_("facility type"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    commissioned_on = models.DateField(_("in use since"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=FacilityStatus.choices, default=FacilityStatus.IN_OPERATION)

    class Meta:
        verbose_name = _("safety facility")
        verbose_name_plural = _("safety facilities")
        ordering = ["enterprise", "name", "id"]

    def __str__(self):
        return self.name


class EnvFacilityType(models.TextChoices):
    """Environmental facility types; the first five are key facilities (重点环保设施)."""

    DESULFURIZATION_DENITRIFICATION = "desulfurization_denitrification", _("desulfurisation and denitrification")
    VOCS_RECOVERY = "vocs_recovery", _("VOCs recovery")
    WASTEWATER = "wastewater", _("wastewater treatment")
    DUST = "dust", _("dust treatment")
    RTO = "rto", _("RTO incinerator")
    ACTIVATED_CARBON = "activated_carbon", _("activated carbon adsorption")
    COAL_TO_GAS = "coal_to_gas", _("coal-to-gas conversion")
    CATALYTIC_COMBUSTION = "catalytic_combustion", _("catalytic combustion")
    SLUDGE_DRYING = "sludge_drying", _("sludge drying")
    OTHER = "other", _("other")


# The key types the mechanism names; administrators designate more with KeyTypeDesignation.
KEY_FACILITY_TYPES = frozenset({
    EnvFacilityType.DESULFURIZATION_DENITRIFICATION,
    EnvFacilityType.VOCS_RECOVERY,
    EnvFacilityType.WASTEWATER,
    EnvFacilityType.DUST,
    EnvFacilityType.RTO,
})


class KeyTypeDesignation(models.Model):
    """A facility type an administrator added to the key types."""

    facility_type = models.CharField(_("facility type"), max_length=40, choices=EnvFacilityType.choices, unique=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("added key facility type")
        verbose_name_plural = _("added key facility types")
        ordering = ["facility_type"]

    def __str__(self):
        return str(self.get_facility_type_display())


def key_facility_types():
    """Return the facility types that count as key: the mechanism's five and those administrators added."""
    return KEY_FACILITY_TYPES | set(KeyTypeDesignation.objects.values_list("facility_type", flat=True))


class EnvFacility(RegisterRecord):
    """An environmental treatment facility (环保设施), kept by the environment side."""

    owner_department = Department.ENVIRONMENT

    name = models.CharField(_("facility name"), max_length=200)
    facility_type = models.CharField(_("facility type"), max_length=40, choices=EnvFacilityType.choices)
    is_key = models.BooleanField(_("key facility"), default=False)
    capacity = models.CharField(_("capacity"), max_length=100, blank=True)
    commissioned_on = models.DateField(_("in use since"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=FacilityStatus.choices, default=FacilityStatus.IN_OPERATION)
    operator_name = models.CharField(_("third-party operator"), max_length=200, blank=True)
    upgraded_on = models.DateField(_("last upgraded"), null=True, blank=True)

    class Meta:
        verbose_name = _("environmental facility")
        verbose_name_plural = _("environmental facilities")
        ordering = ["enterprise", "name", "id"]

    def __str__(self):
        return self.name


class EnforcementMeasure(models.TextChoices):
    """Measures taken after an inspection; the first six are the soft measures of prudent supervision."""

    EDUCATION = "education", _("education and reminder")
    PERSUASION = "persuasion", _("persuasion and demonstration")
    WARNING_CAUTION = "warning_caution", _("warning and admonition")
    ADMIN_NOTICE = "admin_notice", _("administrative notice")
    ADMIN_GUIDANCE = "admin_guidance", _("administrative guidance")
    ADMIN_INTERVIEW = "admin_interview", _("administrative interview")
    ORDER_RECTIFY = "order_rectify", _("order to rectify")
    PENALTY_WARNING = "penalty_warning", _("warning (penalty)")
    FINE = "fine", _("fine")
    SUSPENSION = "suspension", _("suspension of production")
    NONE = "none", pgettext_lazy("enforcement", "no measure")


SOFT_MEASURES = {
    EnforcementMeasure.EDUCATION,
    EnforcementMeasure.PERSUASION,
    EnforcementMeasure.WARNING_CAUTION,
    EnforcementMeasure.ADMIN_NOTICE,
    EnforcementMeasure.ADMIN_GUIDANCE,
    EnforcementMeasure.ADMIN_INTERVIEW,
}


class EnforcementRecord(RegisterRecord):
    """A supervision or enforcement record; owned by the department of the agency that inspected."""

    agency = models.ForeignKey("organizations.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    inspected_on = models.DateField(_("inspection date"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    findings = models.TextField(_("findings"))
    violation = models.TextField(_("violation"), blank=True)
    measure = models.CharField(_("measure taken"), max_length=20, choices=EnforcementMeasure.choices)
    harder_measure_reason = models.TextField(_("reason for a measure beyond the soft measures"), blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    rectification_result = models.TextField(_("rectification result"), blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    # The environmental facility the violation concerns, if any (a key facility used before acceptance …).
    facility = models.ForeignKey(
        "sharing.EnvFacility", verbose_name=_("facility concerned"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("enforcement record")
        verbose_name_plural = _("enforcement records")
        ordering = ["-inspected_on", "-id"]

    def __str__(self):
        return f"{self.enterprise} · {self.inspected_on}"


class DeletedRecord(models.Model):
    """A register row that was deleted, so incremental sync can tell other systems."""

    register = models.CharField(_("register"), max_length=40, db_index=True)
    object_id = models.PositiveBigIntegerField()
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    deleted_at = models.DateTimeField(_("deleted at"), auto_now_add=True, db_index=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("deleted record")
        verbose_name_plural = _("deleted records")
        ordering = ["deleted_at", "id"]


class BulletinFlow(models.TextChoices):
    """Sender, receiver and subject of a bulletin: the three periodic flows and ad-hoc bulletins."""

    WARNINGS_AND_REDUCTION = "warnings_and_reduction", _("city environment to city emergency: warnings and reduction work")
    NEW_ENV_FACILITIES = "new_env_facilities", _("county environment to county emergency: new and upgraded environmental facilities")
    SAFETY_RISKS = "safety_risks", _("emergency to environment: enterprise safety risk information")
    ADHOC = "adhoc", _("ad-hoc bulletin")


class AgencyPartiesQuerySet(models.QuerySet):
    """Rows passed from a sending to a receiving agency, such as bulletins and referrals."""

    def visible_to(self, user):
        """Rows whose sender or receiver lies in the user's regions; city staff see all."""
        regions = region_ids_of(user)
        if regions is None:
            return self
        if not regions:
            return self.none()
        return self.filter(models.Q(sender__region__in=regions) | models.Q(receiver__region__in=regions))


class Bulletin(models.Model):
    """A bulletin (通报) from one agency to another, periodic or ad hoc, acknowledged by the receiver."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")

    flow = models.CharField(_("kind"), max_length=30, choices=BulletinFlow.choices)
    sender = models.ForeignKey("organizations.Agency", verbose_name=_("sender"), on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey("organizations.Agency", verbose_name=_("receiver"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateTimeField(_("period from"), null=True, blank=True)
    period_end = models.DateTimeField(_("period to"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # Structured sections of a generated bulletin, rendered on the page and in the Word file.
    content = models.JSONField(default=dict, blank=True)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.SENT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True, db_index=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    objects = AgencyPartiesQuerySet.as_manager()

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-sent_at", "-id"]
        constraints = [
            # A periodic bulletin exists once per flow, sender, receiver and period, so a job that
            # runs twice, or is killed and rerun, never writes a second one.
            models.UniqueConstraint(
                fields=["flow", "sender", "receiver", "period_start"],
                condition=~models.Q(flow="adhoc"),
                name="one_periodic_bulletin_per_period",
            ),
        ]

    def __str__(self):
        return self.title


class Referral(models.Model):
    """A problem one department hands to the other (问题移交), with feedback and closure."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        REPORTED = "reported", _("reported back")
        RETURNED = "returned", _("returned")
        CLOSED = "closed", _("closed")

    sender = models.ForeignKey("organizations.Agency", verbose_name=_("sender"), on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey("organizations.Agency", verbose_name=_("receiver"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facility = models.CharField(_("facility"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.SENT, db_index=True)
    feedback = models.TextField(_("feedback"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = AgencyPartiesQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.subject


class ReferralStep(models.Model):
    """One step of a referral's timeline: who did what, when, with what comment."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class ReferralFile(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="referrals/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class ApiClient(models.Model):
    """Another government system registered to use the data-exchange API, with its scope.

    Only a hash of the token is stored; the token is shown once when issued.
    """

    class Access(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")

    name = models.CharField(_("system name"), max_length=100, unique=True)
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    # Empty means the whole city.
    regions = models.ManyToManyField("organizations.Region", verbose_name=_("regions"), blank=True, related_name="+")
    access = models.CharField(_("access"), max_length=10, choices=Access.choices, default=Access.READ)
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(_("token prefix"), max_length=8)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name
