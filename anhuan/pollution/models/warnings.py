from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anhuan.core.timeutil import format_local
from anhuan.organizations.scope import enterprise_id_of, region_ids_of
from anhuan.pollution.models.choices import EventKind, WarningLevel, WarningStatus


class PollutionWarningQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Warnings whose area touches the user's scope.

        A city-wide warning is visible to all staff; a warning for named
        regions only to staff who cover one of them. An enterprise contact sees
        the warnings covering their enterprise's region.
        """
        enterprise_id = enterprise_id_of(user)
        if enterprise_id is not None:
            region_id = user.enterprise_contact.enterprise.region_id
            return self.filter(models.Q(whole_city=True) | models.Q(regions=region_id)).distinct()
        regions = region_ids_of(user)
        if regions is None:
            return self
        if not regions:
            return self.none()
        return self.filter(models.Q(whole_city=True) | models.Q(regions__in=regions)).distinct()

    def in_force(self):
        return self.filter(status=WarningStatus.IN_FORCE)


class PollutionWarning(models.Model):
    """A heavy-pollution-weather warning and its current state; events keep its timeline."""

    level = models.CharField(_("level"), max_length=10, choices=WarningLevel.choices)
    status = models.CharField(_("status"), max_length=10, choices=WarningStatus.choices, default=WarningStatus.IN_FORCE)
    whole_city = models.BooleanField(_("whole city"), default=True)
    regions = models.ManyToManyField("organizations.Region", verbose_name=_("regions"), blank=True, related_name="+")
    issuer = models.ForeignKey("organizations.Agency", verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="+")
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    announced_at = models.DateTimeField(_("announced at"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PollutionWarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("heavy-pollution warning")
        verbose_name_plural = _("heavy-pollution warnings")
        ordering = ["-announced_at", "-id"]

    def __str__(self):
        return f"{self.get_level_display()} {format_local(self.announced_at, '%Y-%m-%d')}"

    def latest_event(self):
        return self.events.order_by("-sequence").first()


class WarningEvent(models.Model):
    """One step of a warning's timeline: issue, upgrade, downgrade or lift."""

    warning = models.ForeignKey(PollutionWarning, on_delete=models.CASCADE, related_name="events")
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    kind = models.CharField(_("event"), max_length=10, choices=EventKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=WarningLevel.choices)
    whole_city = models.BooleanField(_("whole city"), default=True)
    regions = models.ManyToManyField("organizations.Region", verbose_name=_("regions"), blank=True, related_name="+")
    announced_at = models.DateTimeField(_("announced at"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("warning event")
        verbose_name_plural = _("warning events")
        ordering = ["warning", "sequence"]
        constraints = [models.UniqueConstraint(fields=["warning", "sequence"], name="unique_event_sequence")]

    def __str__(self):
        return f"{self.warning_id}#{self.sequence} {self.get_kind_display()} {self.get_level_display()}"
