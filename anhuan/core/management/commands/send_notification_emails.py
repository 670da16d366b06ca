"""``manage.py send_notification_emails``: e-mail each user a digest of unread notifications."""

import smtplib

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from anhuan.core.mail import mail_configured, send_notification_emails


class Command(BaseCommand):
    help = "E-mail each user with an address one digest of their unread, not yet e-mailed notifications."

    def handle(self, *args, **options):
        if not mail_configured():
            self.stdout.write(_("No mail server is configured (EMAIL_HOST is empty); nothing was sent."))
            return
        try:
            sent = send_notification_emails()
        except (smtplib.SMTPException, OSError) as exc:
            raise CommandError(_("The mail server could not be reached: %(error)s") % {"error": exc}) from exc
        self.stdout.write(_("Notification digests sent: %(count)s") % {"count": sent})
