from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded change to supervised data: who, when, what, old and new values.

    Entries store an action code and data, never sentences; the history page
    renders them in the reader's language from the registered labels.
    Rows are only ever inserted (see ``anhuan.core.audit``).
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("actor name"), max_length=150)
    agency_name = models.CharField(_("agency"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"
