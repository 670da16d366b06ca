"""Test data made through the enterprise services, shared by the enterprise and scope tests."""

import itertools

from anhuan.enterprises.domain.credit_code import check_character
from anhuan.enterprises.services import create_enterprise
from anhuan.organizations.services import get_system_user

_serials = itertools.count(1)


def credit_code_for(region_code, serial=None):
    """Return a valid credit code of an enterprise (type 91) registered in ``region_code``."""
    serial = next(_serials) if serial is None else serial
    first17 = f"91{region_code}{serial:09d}"
    return first17 + check_character(first17)


def register(region, name=None, *, actor=None, **fields):
    """Register an enterprise in ``region`` as the system account unless ``actor`` is given."""
    code = fields.pop("credit_code", None) or credit_code_for(region.code or "130500")
    return create_enterprise(
        actor=actor or get_system_user(),
        credit_code=code,
        name=name or f"{region.short_name or region.name}测试企业{code[-6:]}",
        region=region,
        **fields,
    )
