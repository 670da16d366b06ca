from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anhuan.organizations.models import Department
from anhuan.organizations.scope import ScopedQuerySet, region_ids_of


class Specialty(models.TextChoices):
    CHEMICAL_PROCESS = "chemical_process", _("chemical process")
    METALLURGY = "metallurgy", _("metallurgy")
    ENVIRONMENTAL_ENGINEERING = "environmental_engineering", _("environmental engineering")
    ELECTRICAL = "electrical", _("electrical")
    MECHANICAL = "mechanical", _("mechanical equipment")
    SAFETY_MANAGEMENT = "safety_management", _("safety management")
    FIRE_PROTECTION = "fire_protection", _("fire protection")
    BUILDING_MATERIALS = "building_materials", _("building materials")
    OTHER = "other", _("other")


class ExpertQuerySet(ScopedQuerySet):
    scope_region_field = "region"

    def visible_to(self, user):
        """County staff see their own county's experts and the city pool; city staff see all."""
        regions = region_ids_of(user)
        if regions is None:
            return self
        if not regions:
            return self.none()
        return self.filter(models.Q(region__in=regions) | models.Q(region__parent__isnull=True))

    def with_specialty(self, specialty):
        return self.filter(specialty_words__contains=f" {specialty} ")


class Expert(models.Model):
    """A member of either bureau's expert pool (专家库).

    ``employer`` is set when the expert works for a supervised enterprise: an
    expert never takes part in a visit or review of their own employer.
    """

    name = models.CharField(_("name"), max_length=50)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="expert_profile",
    )
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    region = models.ForeignKey("organizations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    specialties = models.JSONField(_("specialties"), default=list)
    specialty_words = models.CharField(max_length=300, blank=True, editable=False)
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    employer = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("employer (supervised enterprise)"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["region__sort_order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.specialty_words = " " + " ".join(self.specialties) + " " if self.specialties else ""
        super().save(*args, **kwargs)
