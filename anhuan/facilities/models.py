"""Key environmental facilities (重点环保设施) through their whole life, and third-party service providers.

Every record here hangs on one row of the shared environmental facility register
(``sharing.EnvFacility``) and copies its enterprise and region, so the scope rule filters
without a join. Files (opinions, reports, plans) are kept with their SHA-256 digest.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anhuan.organizations.scope import ScopedQuerySet, region_ids_of


class FacilityQuerySet(ScopedQuerySet):
    scope_region_field = "region"
    scope_enterprise_field = "enterprise"


class Outcome(models.TextChoices):
    """The conclusion of a demonstration, acceptance, assessment or diagnosis (通过 / 不通过)."""

    PASSED = "passed", pgettext_lazy("conclusion", "passed")
    FAILED = "failed", pgettext_lazy("conclusion", "failed")


class Origin(models.TextChoices):
    """Whether a key facility follows the new-project lifecycle or the existing-facility path."""

    NEW_PROJECT = "new_project", _("new project")
    EXISTING = "existing", _("existing facility")


class ProviderRole(models.TextChoices):
    BUILDS = "builds", _("builds")
    OPERATES = "operates", _("operates")
    BUILDS_AND_OPERATES = "builds_and_operates", _("builds and operates")


class FacilityRecord(models.Model):
    """Fields every lifecycle record shares: the facility, its enterprise and region, who recorded it, a file."""

    facility = models.ForeignKey("sharing.EnvFacility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("organizations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="facilities/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        abstract = True


class ServiceProviderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff of both bureaus see every provider; providers work across counties."""
        return self if region_ids_of(user) != set() else self.none()


class ServiceProvider(models.Model):
    """A third-party environmental service provider (第三方环保服务机构)."""

    name = models.CharField(_("provider name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey("organizations.Region", verbose_name=_("registered in"), on_delete=models.PROTECT, related_name="+")
    qualification = models.CharField(_("qualification"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("third-party environmental service provider")
        verbose_name_plural = _("third-party environmental service providers")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class KeyFacilityProfile(models.Model):
    """Lifecycle data of one key facility beyond its register row: path, design, provider, sharing, reminder."""

    facility = models.OneToOneField("sharing.EnvFacility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="key_profile")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(_("path"), max_length=16, choices=Origin.choices, default=Origin.NEW_PROJECT)
    # None: not yet known. False: the facility needs a design diagnosis (设计诊断).
    formally_designed = models.BooleanField(_("formally designed"), null=True, blank=True)
    responsible_person = models.CharField(_("enterprise's responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=30, blank=True)
    provider = models.ForeignKey(
        ServiceProvider, verbose_name=_("third-party service provider"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="profiles",
    )
    provider_role = models.CharField(_("provider's role"), max_length=24, choices=ProviderRole.choices, blank=True)
    shared_at = models.DateTimeField(_("shared with the emergency side at"), null=True, blank=True)
    safety_reminded_at = models.DateTimeField(_("safety demonstration reminder sent at"), null=True, blank=True)
    safety_reminded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("key facility profile")
        verbose_name_plural = _("key facility profiles")


class DemonstrationKind(models.TextChoices):
    ENVIRONMENTAL = "environmental", _("environmental demonstration")
    SAFETY = "safety", _("safety demonstration")


class Demonstration(FacilityRecord):
    """An environmental (环保论证) or safety demonstration (安全论证) with the experts' opinion."""

    kind = models.CharField(_("kind"), max_length=16, choices=DemonstrationKind.choices)
    held_on = models.DateField(_("date"))
    organiser = models.CharField(_("organised by"), max_length=200)
    expert_names = models.CharField(_("experts"), max_length=300)
    experts = models.ManyToManyField("experts.Expert", verbose_name=_("experts from the pool"), blank=True, related_name="+")
    opinion = models.TextField(_("expert opinion"))
    outcome = models.CharField(_("conclusion"), max_length=10, choices=Outcome.choices)

    class Meta:
        verbose_name = _("demonstration")
        verbose_name_plural = _("demonstrations")
        ordering = ["-held_on", "-id"]


class FacilityDesign(FacilityRecord):
    """The design of a new facility by a qualified designer."""

    designer = models.CharField(_("designer"), max_length=200)
    qualification = models.CharField(_("design qualification"), max_length=200)
    certificate_number = models.CharField(_("qualification certificate number"), max_length=100)
    designed_on = models.DateField(_("design completed on"))

    class Meta:
        verbose_name = _("facility design")
        verbose_name_plural = _("facility designs")
        ordering = ["-designed_on", "-id"]


class ConstructionPlan(FacilityRecord):
    """The construction plan (施工方案) and its safety measures."""

    prepared_on = models.DateField(_("prepared on"))
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    safety_measures = models.TextField(_("safety measures"))

    class Meta:
        verbose_name = _("construction plan")
        verbose_name_plural = _("construction plans")
        ordering = ["-prepared_on", "-id"]


class Checkpoint(models.TextChoices):
    """The three checkpoints of 三同时: designed, built and put into use with the main works."""

    DESIGNED = "designed", _("designed together with the main works")
    BUILT = "built", _("built together with the main works")
    IN_USE = "in_use", _("put into use together with the main works")


class SimultaneityCheckpoint(FacilityRecord):
    checkpoint = models.CharField(_("checkpoint"), max_length=10, choices=Checkpoint.choices)
    confirmed_on = models.DateField(_("confirmed on"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("三同时 checkpoint")
        verbose_name_plural = _("三同时 checkpoints")
        ordering = ["confirmed_on", "id"]
        constraints = [models.UniqueConstraint(fields=["facility", "checkpoint"], name="one_checkpoint_each")]


class Acceptance(FacilityRecord):
    """Completion acceptance (验收) of a new facility."""

    accepted_on = models.DateField(_("acceptance date"))
    organiser = models.CharField(_("organised by"), max_length=200)
    opinion = models.TextField(_("acceptance opinion"))
    outcome = models.CharField(_("acceptance conclusion"), max_length=10, choices=Outcome.choices)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["-accepted_on", "-id"]


class SafetyAssessment(FacilityRecord):
    """A safety assessment (安全评估) of a facility in use."""

    assessed_on = models.DateField(_("assessment date"))
    assessor = models.CharField(_("assessor"), max_length=200)
    risks = models.TextField(_("risks identified"))
    controls = models.TextField(_("controls"))
    hazards_found = models.TextField(_("hazards found"), blank=True)
    outcome = models.CharField(_("assessment conclusion"), max_length=10, choices=Outcome.choices)
    next_due_on = models.DateField(_("next assessment due"), null=True, blank=True)

    class Meta:
        verbose_name = _("safety assessment")
        verbose_name_plural = _("safety assessments")
        ordering = ["-assessed_on", "-id"]


class DesignDiagnosis(FacilityRecord):
    """A design diagnosis (设计诊断) of a facility that was never formally designed."""

    diagnosed_on = models.DateField(_("report date"))
    institute = models.CharField(_("design institute"), max_length=200)
    qualification = models.CharField(_("design qualification"), max_length=200)
    certificate_number = models.CharField(_("qualification certificate number"), max_length=100)
    conclusion = models.TextField(_("diagnosis conclusion"))
    outcome = models.CharField(_("result"), max_length=10, choices=Outcome.choices)

    class Meta:
        verbose_name = _("design diagnosis")
        verbose_name_plural = _("design diagnoses")
        ordering = ["-diagnosed_on", "-id"]


class StopUseOrder(FacilityRecord):
    """An emergency-side order to stop using a facility and rectify it (责令停止使用)."""

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("in force")
        LIFTED = "lifted", _("lifted")

    agency = models.ForeignKey("organizations.Agency", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+")
    document_number = models.CharField(_("document number"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    reason = models.TextField(_("reason"))
    assessment = models.ForeignKey(SafetyAssessment, verbose_name=_("failed assessment"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    diagnosis = models.ForeignKey(DesignDiagnosis, verbose_name=_("failed diagnosis"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE, db_index=True)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lifting_assessment = models.ForeignKey(
        SafetyAssessment, verbose_name=_("passing assessment"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("stop-use order")
        verbose_name_plural = _("stop-use orders")
        ordering = ["-issued_on", "-id"]


class RiskKind(models.TextChoices):
    FIRE = "fire", _("fire")
    EXPLOSION = "explosion", _("explosion or flash explosion")
    POISONING = "poisoning", _("poisoning")
    ASPHYXIATION = "asphyxiation", _("asphyxiation in a confined space")
    SCALD = "scald", _("burns and scalds")
    FALL = "fall", _("fall from height")
    ELECTRIC = "electric", _("electric shock")
    OTHER = "other", _("other")


class RiskLevel(models.TextChoices):
    """The four risk levels of graded risk control, with their colours (red, orange, yellow, blue)."""

    MAJOR = "major", _("major risk (red)")
    HIGH = "high", _("high risk (orange)")
    MODERATE = "moderate", _("moderate risk (yellow)")
    LOW = "low", _("low risk (blue)")


class SafetyRisk(FacilityRecord):
    """One identified safety risk of a facility and the controls in place."""

    kind = models.CharField(_("risk"), max_length=16, choices=RiskKind.choices)
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    description = models.TextField(_("description"))
    controls = models.TextField(_("controls in place"))

    class Meta:
        verbose_name = _("safety risk")
        verbose_name_plural = _("safety risks")
        ordering = ["level", "kind", "id"]


class HazardGrade(models.TextChoices):
    ORDINARY = "ordinary", _("ordinary hazard")
    MAJOR = "major", _("major hazard")


class FacilityHazard(FacilityRecord):
    """A hazard found at a facility (隐患) and its rectification."""

    found_on = models.DateField(_("found on"))
    description = models.TextField(_("hazard"))
    grade = models.CharField(_("grade"), max_length=10, choices=HazardGrade.choices)
    rectification_measures = models.TextField(_("rectification measures"), blank=True)
    deadline = models.DateField(_("rectification deadline"))
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification_result = models.TextField(_("rectification result"), blank=True)

    class Meta:
        verbose_name = _("facility hazard")
        verbose_name_plural = _("facility hazards")
        ordering = ["rectified_on", "deadline", "id"]


class DemonstrationFinding(FacilityRecord):
    """The environment side found a key facility building or operating without a safety demonstration."""

    found_on = models.DateField(_("found on"))
    observed_status = models.CharField(_("found"), max_length=20, choices=[
        ("under_construction", _("under construction")), ("in_operation", _("in operation")),
    ])
    description = models.TextField(_("description"))
    referral = models.ForeignKey("sharing.Referral", verbose_name=_("referral"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("finding of a missing safety demonstration")
        verbose_name_plural = _("findings of a missing safety demonstration")
        ordering = ["-found_on", "-id"]


class EvaluationKind(models.TextChoices):
    PERFORMANCE = "performance", _("performance")
    VIOLATION = "violation", _("violation")


class Rating(models.TextChoices):
    GOOD = "good", _("good")
    FAIR = "fair", _("fair")
    POOR = "poor", _("poor")


class ProviderEvaluation(models.Model):
    """A performance evaluation of a provider, or a violation it committed."""

    provider = models.ForeignKey(ServiceProvider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="evaluations")
    facility = models.ForeignKey("sharing.EnvFacility", verbose_name=_("facility"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The region of the facility when there is one, else the evaluating officer's region.
    region = models.ForeignKey("organizations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=EvaluationKind.choices)
    evaluated_on = models.DateField(_("date"))
    rating = models.CharField(_("rating"), max_length=8, choices=Rating.choices, blank=True)
    description = models.TextField(_("description"))
    enforcement = models.ForeignKey(
        "sharing.EnforcementRecord", verbose_name=_("enforcement record"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("provider evaluation")
        verbose_name_plural = _("provider evaluations")
        ordering = ["-evaluated_on", "-id"]
