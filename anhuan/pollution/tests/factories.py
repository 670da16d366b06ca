"""Test data: enterprises and reduction lists written straight through the ORM.

    enterprise = make_enterprise(name="沙河玻璃有限公司", region="130582", performance_grade="B")
    reduction_list = make_list(year=2025, entries=[
        dict(enterprise=enterprise, production_line="1号线", red=("halt", None), safe_shutdown_hours=8),
        dict(enterprise=dict(performance_grade="A"), orange=("limit", 30)),
    ])

An entry dict takes any ``ReductionEntry`` field, plus ``enterprise`` (an
``Enterprise`` or a dict of ``make_enterprise`` arguments; omitted means a new
enterprise) and the shortcuts ``yellow``, ``orange`` and ``red``: a measure type
or a (measure type, limit percent[, detail]) tuple.
"""

import itertools
from decimal import Decimal

from anhuan.enterprises.domain.credit_code import ALPHABET, check_character
from anhuan.enterprises.models import Enterprise
from anhuan.organizations.models import Region
from anhuan.pollution.models import ReductionEntry, ReductionList

_serials = itertools.count(1)

DEFAULT_REGION = "130503"  # 信都区
DEFAULT_MEASURES = {"yellow": ("limit", 20), "orange": ("limit", 50), "red": ("halt", None)}


def make_credit_code(region_code=DEFAULT_REGION, serial=None):
    """Return a valid credit code (with its check character) for a region code."""
    serial = next(_serials) if serial is None else serial
    body = "91" + (region_code or "130500") + f"{serial:08d}" + ALPHABET[serial % 31]
    return body + check_character(body)


def _region(region):
    if isinstance(region, Region):
        return region
    return Region.objects.get(code=region)


def make_enterprise(name=None, *, region=DEFAULT_REGION, credit_code=None, **fields):
    """Create an enterprise; ``region`` is a Region or a 6-digit code, other fields as on the model."""
    region = _region(region)
    serial = next(_serials)
    fields.setdefault("performance_grade", "C")
    return Enterprise.objects.create(
        name=name or f"测试企业{serial:05d}有限公司",
        credit_code=credit_code or make_credit_code(region.code, serial),
        region=region,
        **fields,
    )


def _measure_fields(level, value):
    if isinstance(value, str):
        value = (value,)
    measure_type = value[0]
    limit = value[1] if len(value) > 1 else None
    detail = value[2] if len(value) > 2 else ""
    return {
        f"{level}_measure": measure_type,
        f"{level}_limit_percent": Decimal(str(limit)) if limit is not None else None,
        f"{level}_detail": detail,
    }


def make_entry(reduction_list, sequence=None, **spec):
    """Create one entry of ``reduction_list`` from an entry dict (see the module docstring)."""
    enterprise = spec.pop("enterprise", None)
    if not isinstance(enterprise, Enterprise):
        enterprise = make_enterprise(**(enterprise or {}))
    fields = {}
    for level, default in DEFAULT_MEASURES.items():
        fields.update(_measure_fields(level, spec.pop(level, default)))
    hours = spec.pop("safe_shutdown_hours", 4)
    fields.update(
        production_line=spec.pop("production_line", f"{sequence or 1}号生产线"),
        safe_shutdown_hours=Decimal(str(hours)),
        shutdown_risk=spec.pop("shutdown_risk", "normal"),
    )
    fields.update(spec)
    return ReductionEntry.objects.create(
        reduction_list=reduction_list, enterprise=enterprise, region_id=enterprise.region_id, sequence=sequence, **fields
    )


def make_list(year=2025, entries=(), title=""):
    """Create (or extend) the list of season ``year`` with one entry per dict in ``entries``."""
    reduction_list, _created = ReductionList.objects.get_or_create(year=year, defaults={"title": title})
    start = reduction_list.entries.count() + 1
    for sequence, spec in enumerate(entries, start=start):
        make_entry(reduction_list, sequence, **dict(spec))
    return reduction_list
