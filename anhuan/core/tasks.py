"""Background jobs of the core app (huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anhuan.core.mail import send_notification_emails


@db_periodic_task(crontab(minute="*/5"))
def send_notification_emails_task():
    """E-mail notification digests every five minutes (does nothing without EMAIL_HOST)."""
    return send_notification_emails()
