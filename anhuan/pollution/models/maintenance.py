from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anhuan.organizations.models import Department
from anhuan.pollution.models.onsite import EnterpriseScopedQuerySet


class WorkType(models.TextChoices):
    """Special work types of GB 30871-2022, plus other high-risk overhaul."""

    HOT_WORK = "hot_work", _("hot work")
    CONFINED_SPACE = "confined_space", _("confined space entry")
    BLIND_PLATE = "blind_plate", _("blind plate insertion or removal")
    WORK_AT_HEIGHT = "work_at_height", _("work at height")
    LIFTING = "lifting", _("lifting")
    TEMPORARY_POWER = "temporary_power", _("temporary power")
    EXCAVATION = "excavation", _("excavation")
    ROAD_CLOSURE = "road_closure", _("road closure")
    OTHER_OVERHAUL = "other_overhaul", _("other high-risk overhaul")


class MaintenanceRequest(models.Model):
    """A request for escalated approval (提级审批) of high-risk maintenance work during a reduction measure."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        VERIFYING = "verifying", _("verification or on-site guidance")
        EXPERT_REVIEW = "expert_review", _("city expert review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("organizations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    warning = models.ForeignKey(
        "pollution.PollutionWarning", verbose_name=_("warning"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="maintenance_requests",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    work_types = models.JSONField(_("work types"), default=list)
    unit = models.CharField(_("unit or installation"), max_length=200)
    location = models.CharField(_("location"), max_length=200)
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"))
    description = models.TextField(_("work description"))
    risk_analysis = models.TextField(_("risk analysis"))
    safety_measures = models.TextField(_("safety measures"))
    emergency_arrangements = models.TextField(_("emergency arrangements"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    due_at = models.DateTimeField(_("current step due"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("high-risk maintenance request")
        verbose_name_plural = _("high-risk maintenance requests")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.enterprise} · {self.unit}"


class MaintenanceAttachment(models.Model):
    request = models.ForeignKey(MaintenanceRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="maintenance/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class Decision(models.TextChoices):
    APPROVE_ON_DOCUMENTS = "approve_on_documents", _("approve on the documents")
    VERIFY_BY_STAFF = "verify_by_staff", _("send staff to verify")
    GUIDE_ONSITE = "guide_onsite", _("guide on site")
    EXPERT_REVIEW = "expert_review", _("refer to a city expert review")
    REJECT = "reject", _("reject")


class AgencyDecision(models.Model):
    """One local agency's decision on a maintenance request; both departments decide."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    request = models.ForeignKey(MaintenanceRequest, on_delete=models.CASCADE, related_name="decisions")
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    agency = models.ForeignKey("organizations.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=24, choices=Decision.choices)
    opinion = models.TextField(_("opinion"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    # For verification and on-site guidance: what the staff found.
    outcome = models.CharField(_("verification outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_note = models.TextField(_("verification note"), blank=True)
    outcome_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agency decision")
        verbose_name_plural = _("agency decisions")
        constraints = [models.UniqueConstraint(fields=["request", "department"], name="one_decision_per_department")]


class ExpertReview(models.Model):
    """A city-level expert review (专家论证) organised jointly by both city agencies."""

    class Conclusion(models.TextChoices):
        APPROVE = "approve", _("approve")
        APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("approve with conditions")
        REJECT = "reject", _("reject")

    request = models.OneToOneField(MaintenanceRequest, on_delete=models.CASCADE, related_name="expert_review")
    scheduled_at = models.DateTimeField(_("held at"), null=True, blank=True)
    experts = models.ManyToManyField("experts.Expert", verbose_name=_("experts"), related_name="+")
    conclusion = models.CharField(_("conclusion"), max_length=24, choices=Conclusion.choices, blank=True)
    conclusion_text = models.TextField(_("conclusion and conditions"), blank=True)
    organised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organised_at = models.DateTimeField(auto_now_add=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")


class ExpertOpinion(models.Model):
    review = models.ForeignKey(ExpertReview, on_delete=models.CASCADE, related_name="opinions")
    expert = models.ForeignKey("experts.Expert", verbose_name=_("expert"), on_delete=models.PROTECT, related_name="+")
    recommendation = models.CharField(_("recommendation"), max_length=24, choices=ExpertReview.Conclusion.choices)
    opinion = models.TextField(_("opinion"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("expert opinion")
        verbose_name_plural = _("expert opinions")
        constraints = [models.UniqueConstraint(fields=["review", "expert"], name="one_opinion_per_expert")]
