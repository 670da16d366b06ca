from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anhuan.organizations.models import Department


class Consultation(models.Model):
    """The joint consultation (联合会商) of both departments on one event's plan."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CONFIRMED = "confirmed", _("confirmed")

    event = models.OneToOneField("pollution.WarningEvent", on_delete=models.CASCADE, related_name="consultation")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    conclusion = models.TextField(_("conclusions"), blank=True)
    document_number = models.CharField(_("minutes number"), max_length=50, blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("joint consultation")
        verbose_name_plural = _("joint consultations")

    def __str__(self):
        return str(self.event)


class Opinion(models.Model):
    """An officer's opinion on a consultation, for their department."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="opinions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    agency_name = models.CharField(_("agency"), max_length=100)
    text = models.TextField(_("opinion"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["created_at", "id"]


class Confirmation(models.Model):
    """A leader's confirmation of the plan for their department; one per department."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="confirmations")
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+")
    agency_name = models.CharField(_("agency"), max_length=100)
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "department"], name="one_confirmation_per_department"),
        ]
