"""The gates of a key facility's life, as pure functions of what is on file.

A new key facility goes: registered (planned) → environmental demonstration → safety
demonstration → design → construction plan → 三同时 "designed" → under construction →
三同时 "built" → acceptance → in operation (三同时 "put into use"). No key facility may be
recorded as under construction or in operation without a passing safety demonstration
(邢应急〔2023〕7号, part 二(三): 未开展涉重点环保设施论证的，不得擅自投入建设和运行).

A facility already in use before the mechanism took effect follows the existing-facility path
instead: safety assessments and, if it was never formally designed, a design diagnosis. A
failed assessment or diagnosis leads to a stop-use order; while one is in force the facility
may not be recorded as in operation.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

# 邢应急〔2023〕7号 was issued on this day; facilities in use before it are existing facilities.
MECHANISM_START = dt.date(2023, 11, 17)

PLANNED = "planned"
UNDER_CONSTRUCTION = "under_construction"
IN_OPERATION = "in_operation"
STOPPED = "stopped"
DECOMMISSIONED = "decommissioned"
GATED_STATUSES = (UNDER_CONSTRUCTION, IN_OPERATION)


@dataclass(frozen=True)
class Facts:
    """Records on file for one key facility, as flags that count passing records only."""

    is_existing: bool = False
    env_demonstration: bool = False
    safety_demonstration: bool = False
    design: bool = False
    construction_plan: bool = False
    checkpoint_designed: bool = False
    checkpoint_built: bool = False
    acceptance: bool = False
    stop_order_in_force: bool = False


def is_existing(commissioned_on):
    """True for a facility in use before the mechanism took effect (the existing-facility path)."""
    return commissioned_on is not None and commissioned_on < MECHANISM_START


def blockers(facts, target):
    """Return the reasons a key facility may not be recorded in status ``target``; empty if it may.

    The missing safety demonstration always comes first: it is the gate the mechanism names.
    """
    reasons = []
    if target == IN_OPERATION and facts.stop_order_in_force:
        reasons.append(_(
            "A stop-use order is in force for this facility; it returns to use only after a new safety assessment passes."
        ))
    if target not in GATED_STATUSES or facts.is_existing:
        return reasons
    if not facts.safety_demonstration:
        reasons.append(_(
            "No passing safety demonstration is on file: a key environmental facility may not be built or put into "
            "operation before its safety demonstration."
        ))
    if target == UNDER_CONSTRUCTION:
        if not facts.design:
            reasons.append(_("No design by a qualified designer is on file."))
        if not facts.construction_plan:
            reasons.append(_("No construction plan with its safety measures is on file."))
        if not facts.checkpoint_designed:
            reasons.append(_("The 三同时 checkpoint \"designed together with the main works\" is not confirmed."))
    if target == IN_OPERATION:
        if not facts.checkpoint_built:
            reasons.append(_("The 三同时 checkpoint \"built together with the main works\" is not confirmed."))
        if not facts.acceptance:
            reasons.append(_(
                "No passing acceptance is on file: a key environmental facility may not be used before acceptance."
            ))
    return reasons


# The order in which a new facility's steps are taken, for the lifecycle panel.
NEW_PROJECT_STEPS = (
    "registered",
    "env_demonstration",
    "safety_reminder",
    "safety_demonstration",
    "design",
    "construction_plan",
    "checkpoint_designed",
    "under_construction",
    "checkpoint_built",
    "acceptance",
    "in_operation",
)


def checkpoint_blockers(facts, checkpoint):
    """Return the reasons a 三同时 checkpoint may not be confirmed yet; empty if it may."""
    reasons = []
    if checkpoint == "designed" and not facts.design:
        reasons.append(_("Record the design before confirming that it was designed together with the main works."))
    if checkpoint == "built" and not facts.checkpoint_designed:
        reasons.append(_("Confirm \"designed together with the main works\" first."))
    return reasons


def assessment_due(last_passed_on, next_due_on, today):
    """True if an existing facility needs a (new) safety assessment: none passed yet, or the next one is due."""
    if last_passed_on is None:
        return True
    return next_due_on is not None and next_due_on <= today
