"""The consultation to-do provider: opinions to give and plans to confirm, as core to-do items.

Importing this module registers the provider. ``consultation_todo_for`` keeps its own
item type; this adapter turns each one into an ``anhuan.core.todo.TodoItem``.
"""

from django.urls import reverse

from anhuan.core.todo import TodoItem, register_provider
from anhuan.pollution.services.consultations import area_label, consultation_todo_for


@register_provider
def consultation_todo(user):
    items = []
    for item in consultation_todo_for(user):
        event = item.consultation.event
        todo = TodoItem(
            kind=item.kind,
            title=str(item.label),
            link=reverse("pollution:consultation-detail", args=[event.id]),
            due_at=item.due_at,
            detail=f"{event.get_level_display()} · {area_label(event)}",
        )
        # The home page shows the warning level as a coloured tag.
        todo.event = event
        items.append(todo)
    return items
