"""The inbox: grouped notifications to users, rendered in the reader's language.

``notify`` adds to a user's notification with the same digest key instead of
adding a message, so one warning with hundreds of enterprises yields one
message per person. Kinds are registered with a formatter that renders the
text from the stored data when the inbox is shown.
"""

from django.db.models import F
from django.utils import timezone

from anhuan.core.models import Notification

_FORMATTERS = {}


def register_kind(kind, formatter):
    """Register ``formatter(data, count) -> str`` (translated) for notifications of ``kind``."""
    _FORMATTERS[kind] = formatter


def render(notification):
    formatter = _FORMATTERS.get(notification.kind)
    if formatter is None:
        return notification.kind
    return formatter(notification.data, notification.count)


def notify(recipients, *, kind, digest_key, data=None, link=""):
    """Add one notification per recipient, or raise the count of an unread one with the same key.

    A read notification with the same key is reopened with the new data and a
    count of one. The rows are written in the caller's transaction, so a rolled
    back action leaves no notification behind.
    """
    now = timezone.now()
    for user in recipients:
        if not user.is_active:
            continue
        existing = Notification.objects.filter(recipient=user, digest_key=digest_key).first()
        if existing is None:
            Notification.objects.create(
                recipient=user, kind=kind, digest_key=digest_key, data=data or {}, link=link, updated_at=now
            )
        elif existing.read_at is None:
            Notification.objects.filter(pk=existing.pk).update(
                count=F("count") + 1, data=data or {}, link=link, updated_at=now
            )
        else:
            Notification.objects.filter(pk=existing.pk).update(
                count=1, data=data or {}, link=link, updated_at=now, read_at=None, emailed_at=None
            )


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox_for(user):
    """Return the user's notifications, newest first (the last update counts)."""
    return Notification.objects.filter(recipient=user).order_by("-updated_at", "-id")


def mark_read(user, notification_id):
    """Mark one of the user's notifications as read and return it.

    Raises:
        Notification.DoesNotExist: no such notification in this user's inbox.
    """
    notification = Notification.objects.get(recipient=user, pk=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user):
    """Mark every unread notification of the user as read; return how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
