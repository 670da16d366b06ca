from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anhuan.organizations.scope import ScopedQuerySet
from anhuan.pollution.models.choices import MeasureType, ShutdownRisk


class ReductionList(models.Model):
    """The emergency reduction list of one season (``year`` is the season's first year)."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reduction list")
        verbose_name_plural = _("reduction lists")
        ordering = ["-year"]

    def __str__(self):
        return self.title or f"{self.year}"


class ReductionEntryQuerySet(ScopedQuerySet):
    scope_region_field = "region"
    scope_enterprise_field = "enterprise"


class ReductionEntry(models.Model):
    """One production line of one enterprise on a list, with its measure at each level."""

    reduction_list = models.ForeignKey(ReductionList, on_delete=models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="reduction_entries"
    )
    # Copied from the enterprise so scope filters need no join.
    region = models.ForeignKey("organizations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField(_("serial number"), null=True, blank=True)
    production_line = models.CharField(_("production line or process"), max_length=200)
    products_capacity = models.CharField(_("main products and capacity"), max_length=200, blank=True)
    yellow_measure = models.CharField(_("yellow measure"), max_length=12, choices=MeasureType.choices)
    yellow_limit_percent = models.DecimalField(_("yellow limit (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    yellow_detail = models.TextField(_("yellow measure detail"), blank=True)
    orange_measure = models.CharField(_("orange measure"), max_length=12, choices=MeasureType.choices)
    orange_limit_percent = models.DecimalField(_("orange limit (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    orange_detail = models.TextField(_("orange measure detail"), blank=True)
    red_measure = models.CharField(_("red measure"), max_length=12, choices=MeasureType.choices)
    red_limit_percent = models.DecimalField(_("red limit (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    red_detail = models.TextField(_("red measure detail"), blank=True)
    safe_shutdown_hours = models.DecimalField(_("hours a safe shutdown takes"), max_digits=6, decimal_places=2)
    shutdown_risk = models.CharField(_("shutdown safety risk"), max_length=10, choices=ShutdownRisk.choices)
    remark = models.CharField(_("remark"), max_length=255, blank=True)
    source_row = models.PositiveIntegerField(_("row in the imported file"), null=True, blank=True)

    objects = ReductionEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("reduction list entry")
        verbose_name_plural = _("reduction list entries")
        ordering = ["reduction_list", "sequence", "id"]
        indexes = [models.Index(fields=["reduction_list", "region"])]

    def __str__(self):
        return f"{self.enterprise} · {self.production_line}"

    def measure_at(self, level):
        """Return (measure type, limit percent, detail) listed for a warning level."""
        return (
            getattr(self, f"{level}_measure"),
            getattr(self, f"{level}_limit_percent"),
            getattr(self, f"{level}_detail"),
        )


class ImportJob(models.Model):
    """One upload of a reduction list: its file, progress, outcome and error report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        FAILED = "failed", _("failed")
        SUCCEEDED = "succeeded", _("succeeded")

    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("year"))
    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    entries_written = models.PositiveIntegerField(_("entries written"), default=0)
    entries_deleted = models.PositiveIntegerField(_("entries replaced"), default=0)
    plans_rederived = models.PositiveIntegerField(_("open plans re-derived"), default=0)
    enterprises_created = models.PositiveIntegerField(default=0)
    enterprises_updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.year})"
