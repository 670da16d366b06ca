"""The generation job over a frozen clock: idempotent reruns, crashes that leave nothing, the command and the worker."""

import datetime as dt
import socket
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from anhuan.core.models import AuditEntry, Notification
from anhuan.organizations.models import Department
from anhuan.organizations.services import get_system_user
from anhuan.sharing.domain.periods import last_complete_period
from anhuan.sharing.models import Bulletin, BulletinFlow
from anhuan.sharing.services import bulletins as services
from anhuan.sharing.services.bulletins import generate_due_bulletins
from anhuan.sharing.tests.bulletin_fixtures import (  # noqa: F401
    NOW,
    PERIOD_START,
    REGION_A,
    ROUTE_COUNT,
    agency,
    period_rows,
)

REDIS_HOST = "127.0.0.1"
REDIS_PORT = 6379


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the job catches it."""


def fail_on(flow, sender, exception):
    """Return an ``after_insert`` hook that raises ``exception`` inside the transaction of one bulletin."""
    def hook(bulletin):
        if bulletin.flow == flow and bulletin.sender_id == sender.pk:
            raise exception
    return hook


def test_second_run_creates_nothing(period_rows):
    generate_due_bulletins(NOW)
    result = generate_due_bulletins(NOW + dt.timedelta(hours=1))
    assert result.created == 0
    assert result.existing == ROUTE_COUNT
    assert Bulletin.objects.count() == ROUTE_COUNT


def test_second_run_writes_no_audit_or_notification(period_rows, personas):
    generate_due_bulletins(NOW)
    audits, notifications = AuditEntry.objects.count(), Notification.objects.count()
    generate_due_bulletins(NOW + dt.timedelta(hours=1))
    assert AuditEntry.objects.count() == audits
    assert Notification.objects.count() == notifications


def test_unique_constraint_rejects_duplicate_period(period_rows):
    generate_due_bulletins(NOW)
    route = next(route for route in services.periodic_routes() if route.flow == BulletinFlow.WARNINGS_AND_REDUCTION)
    period = last_complete_period(NOW, 7)
    with pytest.raises(IntegrityError):
        services._send(flow=route.flow, sender=route.sender, receiver=route.receiver, draft=route.build(period),
                       actor=get_system_user(), now=NOW, period=period)


def test_failed_bulletin_leaves_nothing_behind(period_rows, personas):
    sender = agency(Department.EMERGENCY, REGION_A)
    result = generate_due_bulletins(NOW, after_insert=fail_on(BulletinFlow.SAFETY_RISKS, sender, RuntimeError("disk full")))
    assert result.failed == 1
    assert not Bulletin.objects.filter(sender=sender).exists()
    assert not AuditEntry.objects.filter(action="bulletin.send", data__sender=sender.name).exists()
    assert not Notification.objects.filter(recipient=personas["county_a_ee_officer"]).exists()


def test_failed_bulletin_does_not_stop_others(period_rows):
    sender = agency(Department.EMERGENCY, REGION_A)
    result = generate_due_bulletins(NOW, after_insert=fail_on(BulletinFlow.SAFETY_RISKS, sender, RuntimeError("disk full")))
    assert result.created == ROUTE_COUNT - 1


def test_rerun_after_failure_creates_it_once(period_rows):
    sender = agency(Department.EMERGENCY, REGION_A)
    generate_due_bulletins(NOW, after_insert=fail_on(BulletinFlow.SAFETY_RISKS, sender, RuntimeError("disk full")))
    result = generate_due_bulletins(NOW)
    assert result.created == 1
    assert Bulletin.objects.filter(sender=sender, period_start=PERIOD_START).count() == 1


def test_killed_worker_leaves_no_half_bulletin(period_rows):
    sender = agency(Department.EMERGENCY, REGION_A)
    with pytest.raises(WorkerKilled):
        generate_due_bulletins(NOW, after_insert=fail_on(BulletinFlow.SAFETY_RISKS, sender, WorkerKilled()))
    assert not Bulletin.objects.filter(sender=sender).exists()


def test_rerun_after_kill_completes_period_once(period_rows):
    sender = agency(Department.EMERGENCY, REGION_A)
    with pytest.raises(WorkerKilled):
        generate_due_bulletins(NOW, after_insert=fail_on(BulletinFlow.SAFETY_RISKS, sender, WorkerKilled()))
    generate_due_bulletins(NOW)
    assert Bulletin.objects.count() == ROUTE_COUNT
    assert Bulletin.objects.filter(sender=sender).count() == 1


def test_rolled_back_number_is_reused(period_rows):
    sender = agency(Department.EMERGENCY, REGION_A)
    generate_due_bulletins(NOW, after_insert=fail_on(BulletinFlow.SAFETY_RISKS, sender, RuntimeError("disk full")))
    generate_due_bulletins(NOW)
    assert Bulletin.objects.get(sender=sender).document_number == "信都应急通〔2026〕1号"


def test_period_days_policy_changes_period(period_rows):
    from anhuan.core import policy

    policy.set_value("bulletins.period_days", 1, actor=get_system_user())
    generate_due_bulletins(NOW)
    found = Bulletin.objects.filter(flow=BulletinFlow.WARNINGS_AND_REDUCTION).get()
    assert (found.period_end - found.period_start) == dt.timedelta(days=1)


def test_command_writes_period_before_end(period_rows):
    call_command("generate_bulletins", "--period-end", "2026-03-09 00:00")
    assert set(Bulletin.objects.values_list("period_start", flat=True)) == {PERIOD_START}


def test_command_rejects_malformed_period_end(db):
    with pytest.raises(CommandError):
        call_command("generate_bulletins", "--period-end", "next monday")


def test_periodic_task_runs_in_worker(period_rows):
    from anhuan.sharing.tasks import generate_due_bulletins_task

    # Test settings make huey immediate, so calling the task runs it in this process.
    generate_due_bulletins_task()
    assert Bulletin.objects.exclude(flow=BulletinFlow.ADHOC).count() == ROUTE_COUNT


def _redis_answers():
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_generation_runs_through_redis_queue(period_rows):
    if not _redis_answers():
        pytest.skip(f"no Redis server answers on {REDIS_HOST}:{REDIS_PORT}")
    from huey import RedisHuey

    # A queue name of its own, so the test never takes another process's tasks.
    huey = RedisHuey(f"anhuan-test-bulletins-{uuid.uuid4().hex}", host=REDIS_HOST, port=REDIS_PORT, immediate=False)
    try:
        task = huey.task()(generate_due_bulletins)
        result = task(NOW)
        assert Bulletin.objects.count() == 0
        queued = huey.dequeue()
        huey.execute(queued)
        assert result.get().created == ROUTE_COUNT
        assert Bulletin.objects.count() == ROUTE_COUNT
    finally:
        huey.flush()
