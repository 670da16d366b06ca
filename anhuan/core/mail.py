"""E-mail digests of unread notifications, sent over SMTP when a mail server is configured.

Each run sends at most one message per user: a digest of the notifications that are
unread and not yet e-mailed. Users without an e-mail address get none. The text is
Chinese whatever the sender's language. Nothing is sent unless EMAIL_HOST is set in the
settings (read from the environment); Django's built-in default host is not used.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anhuan.core.models import Notification
from anhuan.core.notifications import render
from anhuan.core.timeutil import format_local

logger = logging.getLogger(__name__)

DIGEST_LANGUAGE = "zh-hans"


def mail_configured():
    """True if the settings name an SMTP host; Django's own default "localhost" does not count."""
    return settings.is_overridden("EMAIL_HOST") and bool(settings.EMAIL_HOST)


def _pending_by_user():
    pending = (
        Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("recipient_id", "-updated_at", "-id")
    )
    grouped = {}
    for notification in pending:
        grouped.setdefault(notification.recipient, []).append(notification)
    return grouped


def _site_url(link):
    base = getattr(settings, "ANHUAN_SITE_URL", "")
    if not link or not base:
        return ""
    return base.rstrip("/") + link


def build_digest(user, notifications):
    """Return the (subject, body) of one user's digest, in Chinese."""
    with translation.override(DIGEST_LANGUAGE):
        subject = ngettext(
            "Anhuan: %(count)s unread notification", "Anhuan: %(count)s unread notifications", len(notifications)
        ) % {"count": len(notifications)}
        lines = [_("Dear %(name)s,") % {"name": user.display_name}, ""]
        for notification in notifications:
            line = f"- [{format_local(notification.updated_at)}] {render(notification)}"
            url = _site_url(notification.link)
            if url:
                line += f" {url}"
            lines.append(line)
        lines += ["", _("Sign in to the platform to read and handle them.")]
    return subject, "\n".join(lines)


def send_notification_emails():
    """E-mail each user with an address one digest of their unread, un-e-mailed notifications.

    Marks the notifications of each delivered digest as e-mailed; a failed delivery
    is logged and retried on the next run. Returns the number of messages sent
    (0 when no mail server is configured).
    """
    if not mail_configured():
        return 0
    grouped = _pending_by_user()
    if not grouped:
        return 0
    sent = 0
    connection = get_connection(fail_silently=False)
    with connection:
        for user, notifications in grouped.items():
            subject, body = build_digest(user, notifications)
            message = EmailMessage(subject, body, to=[user.email], connection=connection)
            try:
                message.send()
            except (smtplib.SMTPException, OSError) as exc:
                logger.error("Notification digest to user %s failed: %s", user.pk, exc)
                continue
            Notification.objects.filter(pk__in=[item.pk for item in notifications]).update(emailed_at=timezone.now())
            sent += 1
    logger.info("Sent %s notification digest(s)", sent)
    return sent
