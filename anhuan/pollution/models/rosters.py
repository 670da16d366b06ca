from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anhuan.pollution.models.onsite import EnterpriseScopedQuerySet


class DutyRoster(models.Model):
    """An enterprise's 24-hour duty roster with a leader on duty per shift, for one warning."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        CONFIRMED = "confirmed", _("confirmed")

    warning = models.ForeignKey("pollution.PollutionWarning", on_delete=models.CASCADE, related_name="duty_rosters")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("organizations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        constraints = [models.UniqueConstraint(fields=["warning", "enterprise"], name="one_roster_per_warning_enterprise")]

    def __str__(self):
        return f"{self.enterprise} · {self.warning_id}"


class DutyShift(models.Model):
    """One shift of a roster: who is on duty, and the leader on duty (领导带班)."""

    roster = models.ForeignKey(DutyRoster, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("shift starts"))
    ends_at = models.DateTimeField(_("shift ends"))
    person_name = models.CharField(_("person on duty"), max_length=50)
    person_phone = models.CharField(_("phone of the person on duty"), max_length=30)
    leader_name = models.CharField(_("leader on duty"), max_length=50)
    leader_phone = models.CharField(_("phone of the leader on duty"), max_length=30)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["roster", "starts_at"]


class SpotCheck(models.Model):
    """An officer's call to check that the duty phone is answered."""

    roster = models.ForeignKey(DutyRoster, on_delete=models.CASCADE, related_name="spot_checks")
    checked_at = models.DateTimeField(_("called at"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("called by"), on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("number called"), max_length=30)
    answered = models.BooleanField(_("answered"))
    answered_by = models.CharField(_("answered by"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-checked_at", "-id"]
