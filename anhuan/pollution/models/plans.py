from django.db import models
from django.utils.translation import gettext_lazy as _

from anhuan.enterprises.models import PerformanceGrade
from anhuan.organizations.scope import ScopedQuerySet
from anhuan.pollution.models.choices import MeasureType, ShutdownRisk


class ReductionPlan(models.Model):
    """The plan derived for one warning event: one item per list entry in the area.

    Items are stored copies, so a confirmed (frozen) plan does not change when
    the list or an enterprise changes later.
    """

    event = models.OneToOneField("pollution.WarningEvent", on_delete=models.CASCADE, related_name="plan")
    reduction_list = models.ForeignKey(
        "pollution.ReductionList", verbose_name=_("reduction list"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    derived_at = models.DateTimeField(_("derived at"))
    frozen = models.BooleanField(_("frozen"), default=False)

    class Meta:
        verbose_name = _("reduction plan")
        verbose_name_plural = _("reduction plans")

    def __str__(self):
        return str(self.event)


class PlanItemQuerySet(ScopedQuerySet):
    scope_region_field = "region"
    scope_enterprise_field = "enterprise"

    def with_flag(self, flag):
        # Flags are stored as a space-separated word list so one query works on SQLite and PostgreSQL.
        return self.filter(flag_words__contains=f" {flag} ")


class PlanItem(models.Model):
    """One list entry's measure, effective time and safety flags in a plan."""

    plan = models.ForeignKey(ReductionPlan, on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey("pollution.ReductionEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("organizations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    enterprise_name = models.CharField(_("enterprise name"), max_length=200)
    industry_code = models.CharField(_("industry code"), max_length=5, blank=True)
    industry_name = models.CharField(_("industry"), max_length=100, blank=True)
    performance_grade = models.CharField(_("performance grade"), max_length=10, choices=PerformanceGrade.choices)
    production_line = models.CharField(_("production line or process"), max_length=200)
    measure_type = models.CharField(_("measure"), max_length=12, choices=MeasureType.choices)
    limit_percent = models.DecimalField(_("limit (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    measure_detail = models.TextField(_("measure detail"), blank=True)
    effective_at = models.DateTimeField(_("effective at"), null=True, blank=True)
    safe_shutdown_hours = models.DecimalField(_("hours a safe shutdown takes"), max_digits=6, decimal_places=2)
    shutdown_risk = models.CharField(_("shutdown safety risk"), max_length=10, choices=ShutdownRisk.choices)
    lead_time_gap_hours = models.DecimalField(_("lead-time gap (hours)"), max_digits=7, decimal_places=2, null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    flag_words = models.CharField(max_length=200, blank=True, editable=False)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "region__sort_order", "enterprise_name", "production_line", "id"]
        indexes = [models.Index(fields=["plan", "region"])]

    def __str__(self):
        return f"{self.enterprise_name} · {self.production_line}"

    def save(self, *args, **kwargs):
        self.flag_words = " " + " ".join(self.flags) + " " if self.flags else ""
        super().save(*args, **kwargs)
