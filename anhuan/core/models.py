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


class Notification(models.Model):
    """A message in one user's inbox.

    Notifications are grouped by ``digest_key``: a second event with the same
    key for the same recipient raises ``count`` and moves the notification to
    the top instead of adding a message, so a warning with hundreds of
    enterprises yields one notification per person, not one per enterprise.
    The text is rendered on display from ``kind`` and ``data``.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=64)
    digest_key = models.CharField(max_length=128)
    count = models.PositiveIntegerField(_("count"), default=1)
    data = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("link"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("first at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last at"), db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "digest_key"], name="one_notification_per_digest"),
        ]


class PolicySetting(models.Model):
    """An organisational policy value administrators change at run time (deadlines, reminder periods).

    Defaults live in code (``anhuan.core.policy``); a row overrides one.
    """

    key = models.CharField(_("setting"), max_length=64, unique=True)
    value = models.IntegerField(_("value"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("policy setting")
        verbose_name_plural = _("policy settings")

    def __str__(self):
        return f"{self.key}={self.value}"
