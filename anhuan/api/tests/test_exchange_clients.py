"""Issuing and revoking API client tokens: the service, its audit entries and the api_client command."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from anhuan.api.tests.exchange_fixtures import list_url, token_client
from anhuan.core.errors import Conflict, NotPermitted, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.organizations.models import Department, Region, Role
from anhuan.organizations.services import get_system_user
from anhuan.sharing.models import ApiClient
from anhuan.sharing.services.api_clients import issue_client, revoke_client
from conftest import REGION_A, REGION_B, make_user


@pytest.fixture
def security_admin(db):
    return make_user("security_admin", Department.EMERGENCY, role=Role.SECURITY_ADMIN)


def issue(actor, name="环境监测系统", department=Department.ENVIRONMENT, regions=(), access="read"):
    return issue_client(actor=actor, name=name, department=department, regions=list(regions), access=access)


# --- Service -----------------------------------------------------------------------------------


def test_stored_hash_matches_token(personas):
    client, token = issue(personas["system_admin"])
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert client.token_prefix == token[:8]


def test_token_is_long_and_random(personas):
    _first, token = issue(personas["system_admin"], name="系统甲")
    _second, other = issue(personas["system_admin"], name="系统乙")
    assert len(token) >= 43
    assert token != other


def test_token_never_stored_plain(personas):
    client, token = issue(personas["system_admin"])
    entry = AuditEntry.objects.get(action="api_client.issue")
    assert token not in str(entry.changes)
    assert token not in str(entry.data)
    assert token not in {client.token_hash, client.name}


def test_issue_records_scope(personas):
    issue(personas["system_admin"], regions=[Region.objects.get(code=REGION_A)], access="write")
    entry = AuditEntry.objects.get(action="api_client.issue")
    assert entry.changes["regions"] == [None, [REGION_A]]
    assert entry.changes["access"] == [None, "write"]
    assert entry.actor == personas["system_admin"]


def test_security_admin_may_issue(security_admin):
    client, _token = issue(security_admin)
    assert client.active


@pytest.mark.parametrize("persona", ["audit_admin", "city_em_leader", "city_ee_officer", "city_expert"])
def test_others_may_not_issue(personas, persona):
    with pytest.raises(NotPermitted):
        issue(personas[persona])
    assert not ApiClient.objects.exists()


def test_others_may_not_revoke(personas):
    client, _token = issue(personas["system_admin"])
    with pytest.raises(NotPermitted):
        revoke_client(client, actor=personas["audit_admin"])
    client.refresh_from_db()
    assert client.active


def test_duplicate_active_name_rejected(personas):
    issue(personas["system_admin"])
    with pytest.raises(Conflict):
        issue(personas["system_admin"])


def test_city_region_rejected(personas):
    with pytest.raises(ValidationFailed) as error:
        issue(personas["system_admin"], regions=[Region.objects.get(kind="city")])
    assert error.value.fields == {"regions": "whole_city"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"department": "police"}, "department"),
        ({"access": "admin"}, "access"),
    ],
)
def test_invalid_values_rejected(personas, values, field):
    with pytest.raises(ValidationFailed) as error:
        issue(personas["system_admin"], **values)
    assert field in error.value.fields


def test_revoke_records_entry(personas):
    client, _token = issue(personas["system_admin"])
    revoke_client(client, actor=personas["system_admin"])
    entry = AuditEntry.objects.get(action="api_client.revoke")
    assert entry.changes == {"active": [True, False]}


def test_revoke_twice_rejected(personas):
    client, _token = issue(personas["system_admin"])
    revoke_client(client, actor=personas["system_admin"])
    with pytest.raises(Conflict):
        revoke_client(client, actor=personas["system_admin"])


def test_reissue_after_revoke_replaces_token(personas):
    client, old_token = issue(personas["system_admin"])
    revoke_client(client, actor=personas["system_admin"])
    again, new_token = issue(personas["system_admin"], regions=[Region.objects.get(code=REGION_B)])
    assert again.pk == client.pk
    assert token_client(old_token).get(list_url("approvals")).status_code == 401
    assert token_client(new_token).get(list_url("approvals")).status_code == 200


# --- Command -----------------------------------------------------------------------------------


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_client", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_command_prints_token_once(db):
    token, _message = run("issue", "危化品监管系统", "--department", "emergency", "--regions", f"{REGION_A},{REGION_B}", "--access", "write")
    client = ApiClient.objects.get(name="危化品监管系统")
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert sorted(client.regions.values_list("code", flat=True)) == [REGION_A, REGION_B]
    assert client.access == "write"


def test_command_acts_as_system(db):
    run("issue", "危化品监管系统", "--department", "emergency")
    assert AuditEntry.objects.get(action="api_client.issue").actor == get_system_user()


def test_command_acts_as_named_admin(security_admin):
    run("issue", "危化品监管系统", "--department", "emergency", "--user", "security_admin")
    assert AuditEntry.objects.get(action="api_client.issue").actor == security_admin


def test_command_rejects_officer_user(personas):
    with pytest.raises(CommandError):
        run("issue", "危化品监管系统", "--department", "emergency", "--user", "city_em_officer")
    assert not ApiClient.objects.exists()


def test_command_rejects_unknown_region(db):
    with pytest.raises(CommandError) as error:
        run("issue", "危化品监管系统", "--department", "emergency", "--regions", "999999")
    assert "999999" in str(error.value)


def test_command_revokes_token(db):
    token, _message = run("issue", "危化品监管系统", "--department", "emergency")
    run("revoke", "危化品监管系统")
    assert token_client(token).get(list_url("approvals")).status_code == 401


def test_command_revoke_unknown_name(db):
    with pytest.raises(CommandError):
        run("revoke", "不存在的系统")
