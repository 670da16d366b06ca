from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionKind(models.TextChoices):
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    COUNTY = "county", _("county")
    COUNTY_CITY = "county_city", _("county-level city")
    DEVELOPMENT_ZONE = "development_zone", _("development zone")


class Region(models.Model):
    """An administrative division (GB/T 2260) or a zone acting as a county-level unit.

    ``code`` is the 6-digit GB/T 2260 code; the high-tech zone has no public
    code, so the field may be empty. ``former_name`` keeps the name a region
    had before the 2020 adjustment so the importer can name it in an error.
    """

    code = models.CharField(_("division code"), max_length=6, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    former_name = models.CharField(_("former name"), max_length=50, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def is_city(self):
        return self.kind == RegionKind.CITY


class Department(models.TextChoices):
    EMERGENCY = "emergency", _("emergency management")
    ENVIRONMENT = "environment", _("ecology and environment")


class Level(models.TextChoices):
    CITY = "city", _("city level")
    COUNTY = "county", _("county level")


class Agency(models.Model):
    """One department of one region, for example 信都区应急管理局."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_code = models.CharField(
        _("document code"), max_length=20, blank=True, help_text=_("Issuer code used in document numbers, e.g. 邢环.")
    )
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="agencies")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["level", "region__sort_order", "department"]
        constraints = [
            models.UniqueConstraint(fields=["department", "region"], name="one_agency_per_department_and_region"),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    OFFICER = "officer", _("officer")
    LEADER = "leader", _("leader")
    EXPERT = "expert", _("expert")
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    SECURITY_ADMIN = "security_admin", _("security administrator")
    AUDIT_ADMIN = "audit_admin", _("audit administrator")
    ENTERPRISE = "enterprise", _("enterprise contact")
    SYSTEM = "system", _("system")


STAFF_ROLES = {Role.OFFICER, Role.LEADER, Role.EXPERT}
ADMIN_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}


class User(AbstractUser):
    """A person who signs in: staff of one agency, an administrator, or an enterprise contact.

    Staff and administrators belong to one agency. An enterprise contact has no
    agency; ``enterprises.EnterpriseContact`` ties them to one enterprise.
    The ``system`` role marks the account that commands and jobs act as.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self):
        # Chinese names are written family name first with no space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def display_name(self):
        return self.get_full_name() or self.username

    @property
    def department(self):
        return self.agency.department if self.agency_id else None

    @property
    def level(self):
        return self.agency.level if self.agency_id else None

    @property
    def is_staff_member(self):
        return self.role in STAFF_ROLES and self.agency_id is not None

    @property
    def is_leader(self):
        return self.role == Role.LEADER
