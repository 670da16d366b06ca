"""The to-do list (我的待办): what waits for a user, gathered from every app.

Apps register provider functions at start-up (in their AppConfig.ready). A
provider takes a user and returns ``TodoItem`` rows; ``todo_for`` merges them,
overdue first, then by due time.
"""

from dataclasses import dataclass
import datetime as dt

from django.utils import timezone
from django.utils.translation import ngettext

_PROVIDERS = []


@dataclass
class TodoItem:
    """One thing a user should do: a translated title, where to do it, and when it is due."""

    kind: str
    title: str
    link: str
    due_at: dt.datetime | None = None
    detail: str = ""

    def overdue_days(self, now=None):
        """Whole days past the due time, 0 when not overdue or without a due time."""
        if self.due_at is None:
            return 0
        late = (now or timezone.now()) - self.due_at
        return max(late.days + (1 if late.seconds else 0), 0) if late > dt.timedelta(0) else 0

    def is_overdue(self, now=None):
        return self.due_at is not None and self.due_at < (now or timezone.now())


def register_provider(provider):
    """Register ``provider(user) -> list[TodoItem]``; usable as a decorator."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def todo_for(user, now=None):
    """Return the user's to-do items from every provider: overdue first, then by due time."""
    now = now or timezone.now()
    items = [item for provider in _PROVIDERS for item in provider(user)]
    far_future = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    return sorted(items, key=lambda item: (not item.is_overdue(now), item.due_at or far_future))


def overdue_text(due_at, now=None):
    """Return "Overdue by N days" (whole days), "Overdue by N hours" under a day, or "" when not overdue."""
    now = now or timezone.now()
    if due_at is None or due_at >= now:
        return ""
    late = now - due_at
    if late.days >= 1:
        return ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", late.days) % {"days": late.days}
    hours = max(1, int(late.total_seconds() // 3600))
    return ngettext("Overdue by %(hours)s hour", "Overdue by %(hours)s hours", hours) % {"hours": hours}
