"""Refusals of the facility services shown on their forms."""


def show_domain_error(form, error, name=None):
    """Show a service's refusal beside the field ``name`` (by default the one it names), or above the form.

    Beside a field the message drops its leading "label：", which the field's own label already shows.
    """
    name = error.fields.get("field") if name is None else name
    if name not in form.fields:
        form.add_error(None, str(error.message))
        return
    form.add_error(name, message_without_label(str(error.message), form.fields[name].label, error, name))


def message_without_label(message, label, error, name):
    """Return the message for one field: the service's own text for it, or the message less a leading label."""
    own = (error.fields.get("errors") or {}).get(name)
    if own:
        return str(own)
    for separator in ("：", ": "):
        prefix = f"{label}{separator}"
        if label and message.startswith(prefix):
            return message[len(prefix):]
    return message
