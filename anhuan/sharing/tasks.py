"""Periodic jobs of the bulletins (huey): generation every hour, reminders every 15 minutes.

Both jobs are idempotent, so a missed or repeated run does no harm: generation writes only the
bulletins of the last complete period that do not exist yet, and reminders claim each due
bulletin before notifying.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anhuan.sharing.services.bulletins import generate_due_bulletins, remind_unacknowledged


@db_periodic_task(crontab(minute="5"))
def generate_due_bulletins_task():
    """Write the missing periodic bulletins of the last complete period, every hour at minute 5."""
    return generate_due_bulletins()


@db_periodic_task(crontab(minute="*/15"))
def remind_unacknowledged_bulletins_task():
    """Remind receivers of bulletins left unacknowledged past the reminder delay, every 15 minutes."""
    return remind_unacknowledged()


@db_periodic_task(crontab(minute="*/15"))
def notify_overdue_referrals_task():
    """Send the leaders of both agencies their daily digest of overdue referrals; repeats add nothing."""
    from anhuan.sharing.todo_referrals import notify_overdue_referrals

    return notify_overdue_referrals()
