"""Actions on organisations and users."""

from anhuan.organizations.models import Role, User


def get_system_user():
    """Return the account that commands and jobs act as (created by migration)."""
    return User.objects.get(username="system", role=Role.SYSTEM)
