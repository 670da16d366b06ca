"""A reduction plan as JSON: one object per plan item.

Each object has credit_code, enterprise, region_code, production_line,
measure_type (halt, limit, autonomous, guaranteed, none), limit_percent
(number or null), effective_at (ISO 8601 with +08:00), flags (list of flag
codes) and lead_time_gap_hours (number or null).
"""

import json

from anhuan.core.timeutil import iso_local


def _number(value):
    return float(value) if value is not None else None


def item_record(item):
    """Return the JSON object of one ``PlanItem`` (its region must be loaded)."""
    return {
        "credit_code": item.credit_code,
        "enterprise": item.enterprise_name,
        "region_code": item.region.code,
        "production_line": item.production_line,
        "measure_type": item.measure_type,
        "limit_percent": _number(item.limit_percent),
        "effective_at": iso_local(item.effective_at),
        "flags": list(item.flags),
        "lead_time_gap_hours": _number(item.lead_time_gap_hours),
    }


def write_plan_json(items, stream):
    """Write ``items`` as a JSON list to a text stream, keeping Chinese characters readable."""
    json.dump([item_record(item) for item in items], stream, ensure_ascii=False, indent=2)
    stream.write("\n")
