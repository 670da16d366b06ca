"""The pure on-site state rules: transitions, the state tags and the highlight."""

import datetime as dt

import pytest

from anhuan.core.errors import TransitionNotAllowed
from anhuan.pollution.domain import onsite as domain
from anhuan.pollution.tests.onsite_fixtures import english  # noqa: F401

NOW = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.timezone.utc)
BOTH = {"shutdown_plan", "response_plan"}
pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize("current,target", [
    (None, "scheduled"),
    ("scheduled", "done"),
    ("scheduled", "cancelled"),
    ("cancelled", "scheduled"),
])
def test_allowed_transition_passes(current, target):
    assert domain.check_transition(current, target) is None


@pytest.mark.parametrize("current,target", [
    (None, "done"),
    (None, "cancelled"),
    ("scheduled", "scheduled"),
    ("done", "scheduled"),
    ("done", "cancelled"),
    ("done", "done"),
    ("cancelled", "done"),
    ("cancelled", "cancelled"),
])
def test_forbidden_transition_is_rejected(current, target):
    with pytest.raises(TransitionNotAllowed):
        domain.check_transition(current, target)


def test_forbidden_transition_message_names_states():
    with pytest.raises(TransitionNotAllowed) as error:
        domain.check_transition("done", "cancelled")
    assert str(error.value.message) == "A visit that is done cannot become cancelled."


def test_no_visit_is_not_scheduled():
    assert domain.onsite_states(None, BOTH) == ["not_scheduled"]


def test_cancelled_visit_is_not_scheduled():
    assert domain.onsite_states("cancelled", BOTH) == ["not_scheduled"]


def test_scheduled_visit_state():
    assert domain.onsite_states("scheduled", BOTH) == ["scheduled"]


def test_done_visit_state():
    assert domain.onsite_states("done", BOTH) == ["done"]


def test_one_document_is_missing():
    assert domain.onsite_states("done", {"shutdown_plan"}) == ["done", "documents_missing"]


def test_missing_documents_in_order():
    assert domain.missing_documents(set()) == ["shutdown_plan", "response_plan"]


def test_alert_within_hours():
    effective = NOW + dt.timedelta(hours=23)
    assert domain.needs_alert(effective_at=effective, now=NOW, alert_hours=24, visit_status=None, document_kinds=BOTH)


def test_no_alert_beyond_hours():
    effective = NOW + dt.timedelta(hours=25)
    assert not domain.needs_alert(effective_at=effective, now=NOW, alert_hours=24, visit_status=None, document_kinds=set())


def test_alert_after_measure_started():
    effective = NOW - dt.timedelta(hours=1)
    assert domain.needs_alert(effective_at=effective, now=NOW, alert_hours=24, visit_status="scheduled", document_kinds=BOTH)


def test_no_alert_when_complete():
    effective = NOW + dt.timedelta(hours=1)
    assert not domain.needs_alert(effective_at=effective, now=NOW, alert_hours=24, visit_status="done", document_kinds=BOTH)


def test_alert_when_done_without_documents():
    effective = NOW + dt.timedelta(hours=1)
    assert domain.needs_alert(
        effective_at=effective, now=NOW, alert_hours=24, visit_status="done", document_kinds={"response_plan"}
    )


def test_no_alert_without_effective_time():
    assert not domain.needs_alert(effective_at=None, now=NOW, alert_hours=24, visit_status=None, document_kinds=set())
