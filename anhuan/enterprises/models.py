from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anhuan.organizations.scope import ScopedQuerySet


class PerformanceGrade(models.TextChoices):
    """Environmental performance grade of key industries (环保绩效分级)."""

    A = "A", "A"
    B = "B", "B"
    B_MINUS = "B-", "B-"
    C = "C", "C"
    D = "D", "D"
    LEADING = "leading", _("leading")
    UNRATED = "unrated", _("unrated")


AUTONOMOUS_GRADES = {PerformanceGrade.A, PerformanceGrade.LEADING}


class EnterpriseCategory(models.TextChoices):
    """Control category on the reduction list (管控类别)."""

    KEY_INDUSTRY = "key_industry", _("key industry")
    GENERAL = "general", _("general industry")
    SMALL_MICRO = "small_micro", _("small or micro emitter")
    GUARANTEED = "guaranteed", _("guaranteed")


class EnterpriseQuerySet(ScopedQuerySet):
    scope_region_field = "region"
    scope_enterprise_field = "pk"


class Enterprise(models.Model):
    """A supervised industrial enterprise, identified by its credit code."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("enterprise name"), max_length=200, db_index=True)
    region = models.ForeignKey(
        "organizations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="enterprises"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    industry_code = models.CharField(_("industry code"), max_length=5, blank=True, help_text=_("GB/T 4754-2017, e.g. C3041."))
    industry_name = models.CharField(_("industry"), max_length=100, blank=True)
    category = models.CharField(
        _("control category"), max_length=20, choices=EnterpriseCategory.choices, default=EnterpriseCategory.KEY_INDUSTRY
    )
    key_industry = models.BooleanField(_("key industry"), default=False)
    performance_grade = models.CharField(
        _("performance grade"), max_length=10, choices=PerformanceGrade.choices, default=PerformanceGrade.UNRATED
    )
    whitelisted = models.BooleanField(_("on the supervision whitelist"), default=False)
    non_interruptible = models.BooleanField(_("has non-interruptible processes"), default=False)
    guaranteed = models.BooleanField(_("guaranteed enterprise"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["region__sort_order", "name"]

    def __str__(self):
        return self.name

    @property
    def takes_autonomous_measures(self):
        return self.performance_grade in AUTONOMOUS_GRADES or self.whitelisted


# Fields whose changes the audit trail records.
AUDITED_FIELDS = [
    "name", "region", "address", "industry_code", "industry_name", "category", "key_industry",
    "performance_grade", "whitelisted", "non_interruptible", "guaranteed", "contact_name", "contact_phone",
]


class EnterpriseContact(models.Model):
    """Ties an enterprise contact's account to the one enterprise they act for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="enterprise_contact"
    )
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="contacts")

    class Meta:
        verbose_name = _("enterprise contact")
        verbose_name_plural = _("enterprise contacts")

    def __str__(self):
        return f"{self.enterprise} · {self.user}"
