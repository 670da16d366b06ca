"""Reads of one enterprise's shared-register rows, bulletins and referrals, for the enterprise file.

Every function returns a list built by one query, so the enterprise file costs
the same number of queries however many rows there are. Every read goes
through ``visible_to``, the same scope rule as the register pages.
"""

import json

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from anhuan.sharing.models import (
    SOFT_MEASURES,
    Bulletin,
    EnforcementMeasure,
    EnforcementRecord,
    EnvFacility,
    ProjectApproval,
    Referral,
    SafetyFacility,
)

# Rectification follow-up of an enforcement record (see ``follow_up_state``).
NOT_REQUIRED = "not_required"
RECTIFIED = "rectified"
PENDING = "pending"
NO_DEADLINE = "no_deadline"
OVERDUE = "overdue"
NO_FOLLOW_UP = "no_follow_up"


def get_approvals(user, enterprise):
    return list(
        ProjectApproval.objects.visible_to(user).filter(enterprise=enterprise).order_by("-approval_date", "-id")
    )


def get_safety_facilities(user, enterprise):
    return list(SafetyFacility.objects.visible_to(user).filter(enterprise=enterprise).order_by("name", "id"))


def get_env_facilities(user, enterprise):
    """Return the enterprise's environmental facilities, key facilities first."""
    return list(EnvFacility.objects.visible_to(user).filter(enterprise=enterprise).order_by("-is_key", "name", "id"))


def get_enforcement_records(user, enterprise):
    return list(
        EnforcementRecord.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("agency")
        .order_by("-inspected_on", "-id")
    )


def is_hard_measure(measure):
    """True for a measure beyond the soft measures of prudent supervision (an order, a penalty)."""
    return measure not in SOFT_MEASURES and measure != EnforcementMeasure.NONE


def follow_up_state(record, today):
    """Return how the rectification of an enforcement record stands on ``today``.

    A hard measure needs a rectification record: with a rectified date it is
    ``rectified`` (the same test as the register list; a result text alone is
    not a completed rectification); without one it is ``pending`` until its deadline,
    ``no_follow_up`` once the deadline has passed (a penalty without
    follow-up, 罚而不管), and ``no_deadline`` when no deadline was set. A soft
    measure or no measure needs no rectification unless a deadline was set;
    past that deadline without a result it is ``overdue``.
    """
    if record.rectified_on is not None:
        return RECTIFIED
    if record.rectification_deadline is None:
        return NO_DEADLINE if is_hard_measure(record.measure) else NOT_REQUIRED
    if record.rectification_deadline < today:
        return NO_FOLLOW_UP if is_hard_measure(record.measure) else OVERDUE
    return PENDING


def _json_text_forms(text):
    """Return ``text`` as it may appear inside stored JSON text.

    PostgreSQL's jsonb keeps Chinese characters as they are; SQLite stores the
    text Django's JSONField wrote with ``json.dumps``, which escapes every
    non-ASCII character as ``\\uXXXX``. Searching both forms works on both.
    """
    escaped = json.dumps(text)[1:-1]
    return {text, escaped}


def get_bulletins(user, enterprise):
    """Return the bulletins visible to ``user`` whose title, text or content names the enterprise.

    A bulletin names the enterprise when its name or its credit code appears
    in the title, the body or the structured ``content``.
    """
    mentions = Q()
    for needle in (enterprise.name, enterprise.credit_code):
        mentions |= Q(title__contains=needle) | Q(body__contains=needle)
        for form in _json_text_forms(needle):
            mentions |= Q(content_text__contains=form)
    return list(
        Bulletin.objects.visible_to(user)
        .annotate(content_text=Cast("content", TextField()))
        .filter(mentions)
        .select_related("sender", "receiver")
        .order_by("-sent_at", "-id")
    )


def get_referrals(user, enterprise):
    return list(
        Referral.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("sender", "receiver")
        .order_by("-created_at", "-id")
    )
