"""Reduction measures: their kinds, how strict each one is, and the ad-hoc measure check.

Pure Python with no Django import. The string values equal those of
``anhuan.pollution.models.choices.MeasureType``.
"""

HALT = "halt"
LIMIT = "limit"
AUTONOMOUS = "autonomous"
GUARANTEED = "guaranteed"
NONE = "none"

MEASURE_TYPES = (HALT, LIMIT, AUTONOMOUS, GUARANTEED, NONE)
# Measures that stop or cut production, and so need a safe shutdown.
RESTRICTING = frozenset({HALT, LIMIT})


def strictness(measure_type, limit_percent=None):
    """Return a sortable rank: halt > limit (higher %) > limit (lower %) > any other measure.

    A limit whose percentage is unknown ranks as the mildest limit.
    """
    if measure_type == HALT:
        return (2, 0)
    if measure_type == LIMIT:
        return (1, limit_percent or 0)
    return (0, 0)


def is_at_least_as_strict(measure_type, limit_percent, other_type, other_limit):
    """True if the first measure cuts at least as much as the second one."""
    return strictness(measure_type, limit_percent) >= strictness(other_type, other_limit)


class AdhocMeasureRejected(ValueError):
    """A temporary halt or limit beyond the listed measure, at a non-interruptible enterprise.

    Carries the listed and the requested measure so an adapter can word the
    rejection in the reader's language.
    """

    def __init__(self, listed_type, listed_limit, requested_type, requested_limit):
        self.listed_type = listed_type
        self.listed_limit = listed_limit
        self.requested_type = requested_type
        self.requested_limit = requested_limit
        super().__init__(
            "The enterprise has non-interruptible processes: no temporary halt or limit beyond "
            f"the warning's listed measure ({listed_type} {listed_limit}) may be imposed; "
            f"requested {requested_type} {requested_limit}."
        )


def check_adhoc_measure(non_interruptible, listed_measure_type, listed_limit, requested_type, requested_limit):
    """Reject an ad-hoc halt or limit stricter than the listed one at a non-interruptible enterprise.

    A request at or below the listed measure passes, and so does any request
    for an enterprise without non-interruptible processes.

    Raises:
        AdhocMeasureRejected: the enterprise is non-interruptible and the request
            halts or limits more than the list does.
    """
    if not non_interruptible or requested_type not in RESTRICTING:
        return
    if is_at_least_as_strict(listed_measure_type, listed_limit, requested_type, requested_limit):
        return
    raise AdhocMeasureRejected(listed_measure_type, listed_limit, requested_type, requested_limit)
