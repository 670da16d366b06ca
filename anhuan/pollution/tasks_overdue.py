"""The periodic job that sends the overdue digests (huey; registers the notification kinds on import)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anhuan.pollution.overdue import notify_overdue


@db_periodic_task(crontab(minute="*/15"))
def notify_overdue_task():
    """Send each agency's leaders today's digest of overdue work every 15 minutes; repeats add nothing."""
    return notify_overdue()
