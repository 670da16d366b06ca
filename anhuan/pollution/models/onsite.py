from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anhuan.organizations.scope import ScopedQuerySet


class EnterpriseScopedQuerySet(ScopedQuerySet):
    scope_region_field = "region"
    scope_enterprise_field = "enterprise"


class OnsiteGuidance(models.Model):
    """The joint on-site visit (现场指导) of both county agencies to one enterprise during a warning.

    One visit per warning and enterprise covers every production line flagged
    ``onsite_guidance_required`` in the warning's plans.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    warning = models.ForeignKey("pollution.PollutionWarning", on_delete=models.CASCADE, related_name="onsite_visits")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("organizations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_at = models.DateTimeField(_("scheduled for"))
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    experts = models.ManyToManyField("experts.Expert", verbose_name=_("experts"), related_name="+")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("officers"), related_name="+")
    safety_risks = models.TextField(_("shutdown safety risks identified"), blank=True)
    environmental_risks = models.TextField(_("environmental risks identified"), blank=True)
    documents_reviewed = models.TextField(_("documents reviewed"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("on-site guidance")
        verbose_name_plural = _("on-site guidance visits")
        ordering = ["scheduled_at", "id"]
        constraints = [models.UniqueConstraint(fields=["warning", "enterprise"], name="one_visit_per_warning_enterprise")]

    def __str__(self):
        return f"{self.enterprise} · {self.scheduled_at:%Y-%m-%d}"


class DocumentKind(models.TextChoices):
    SHUTDOWN_PLAN = "shutdown_plan", _("shutdown or limit plan")
    RESPONSE_PLAN = "response_plan", _("emergency response plan")


class EnterpriseDocument(models.Model):
    """A document an enterprise uploads for a warning: its shutdown/limit plan or response plan."""

    warning = models.ForeignKey("pollution.PollutionWarning", on_delete=models.CASCADE, related_name="enterprise_documents")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to="enterprise-documents/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise document")
        verbose_name_plural = _("enterprise documents")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["warning", "enterprise", "kind"])]

    def __str__(self):
        return self.file_name


class MeasureReceipt(models.Model):
    """An enterprise's confirmation that it received the measures of one warning event."""

    event = models.ForeignKey("pollution.WarningEvent", on_delete=models.CASCADE, related_name="receipts")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("receipt of measures")
        verbose_name_plural = _("receipts of measures")
        constraints = [models.UniqueConstraint(fields=["event", "enterprise"], name="one_receipt_per_event_enterprise")]


class AdhocMeasure(models.Model):
    """An extra measure an officer adds to one production line during a warning event."""

    event = models.ForeignKey("pollution.WarningEvent", on_delete=models.CASCADE, related_name="adhoc_measures")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    production_line = models.CharField(_("production line or process"), max_length=200)
    measure_type = models.CharField(_("measure"), max_length=12)
    limit_percent = models.DecimalField(_("limit (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("reason"))
    effective_at = models.DateTimeField(_("effective at"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ad-hoc measure")
        verbose_name_plural = _("ad-hoc measures")
        ordering = ["-added_at", "-id"]
