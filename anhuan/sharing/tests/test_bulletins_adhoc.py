"""Ad-hoc bulletins written by hand: receiver, numbering, validation and delivery."""

import pytest
from django.utils.translation import gettext as _

from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.core.models import AuditEntry, Notification
from anhuan.organizations.models import Department
from anhuan.pollution.tests.consultation_fixtures import enterprise_contact  # noqa: F401
from anhuan.sharing.models import Bulletin, BulletinFlow
from anhuan.sharing.services.bulletins import send_adhoc_bulletin
from anhuan.sharing.tests.bulletin_fixtures import NOW, REGION_A, agency


def send(actor, **fields):
    fields.setdefault("title", "关于焦化企业煤气泄漏风险的通报")
    fields.setdefault("body", "近期检查发现焦炉煤气报警器失效，请环保部门在现场检查时一并关注。")
    return send_adhoc_bulletin(actor=actor, now=NOW, **fields)


def test_county_bulletin_goes_to_same_region(personas):
    bulletin = send(personas["county_a_em_officer"])
    assert (bulletin.sender, bulletin.receiver) == (agency(Department.EMERGENCY, REGION_A),
                                                    agency(Department.ENVIRONMENT, REGION_A))


def test_city_bulletin_goes_to_city_agency(personas):
    bulletin = send(personas["city_em_leader"])
    assert bulletin.receiver == agency(Department.ENVIRONMENT)


def test_adhoc_bulletin_has_no_period(personas):
    bulletin = send(personas["city_ee_officer"])
    assert (bulletin.flow, bulletin.period_start) == (BulletinFlow.ADHOC, None)


def test_adhoc_bulletins_may_repeat_titles(personas):
    send(personas["city_ee_officer"])
    send(personas["city_ee_officer"])
    assert Bulletin.objects.filter(flow=BulletinFlow.ADHOC).count() == 2


def test_adhoc_number_continues_sender_series(personas):
    first = send(personas["city_ee_officer"])
    second = send(personas["city_ee_officer"])
    assert (first.document_number, second.document_number) == ("邢环通〔2026〕1号", "邢环通〔2026〕2号")


def test_given_number_is_kept(personas):
    bulletin = send(personas["city_ee_officer"], document_number=" 邢环通〔2026〕9号 ")
    assert bulletin.document_number == "邢环通〔2026〕9号"


def test_series_continues_after_given_number(personas):
    send(personas["city_ee_officer"], document_number="邢环通〔2026〕9号")
    assert send(personas["city_ee_officer"]).document_number == "邢环通〔2026〕10号"


def test_used_number_is_rejected(personas):
    send(personas["city_ee_officer"], document_number="邢环通〔2026〕9号")
    with pytest.raises(ValidationFailed) as raised:
        send(personas["city_ee_leader"], document_number="邢环通〔2026〕9号")
    assert raised.value.fields == {"field": "document_number"}


def test_malformed_number_is_rejected(personas):
    with pytest.raises(ValidationFailed):
        send(personas["city_ee_officer"], document_number="邢环通[2026]9号")


def test_empty_title_is_rejected(personas):
    with pytest.raises(ValidationFailed) as raised:
        send(personas["city_ee_officer"], title="  ")
    assert str(raised.value.message) == _("Enter the title of the bulletin.")


def test_empty_text_is_rejected(personas):
    with pytest.raises(ValidationFailed) as raised:
        send(personas["city_ee_officer"], body="")
    assert raised.value.fields == {"field": "body"}


def test_expert_cannot_send(personas):
    with pytest.raises(NotPermitted):
        send(personas["city_expert"])


def test_enterprise_contact_cannot_send(enterprise_contact):
    with pytest.raises(NotPermitted):
        send(enterprise_contact)


def test_administrator_cannot_send(personas):
    with pytest.raises(NotPermitted):
        send(personas["system_admin"])


def test_adhoc_bulletin_notifies_receiver_once(personas):
    bulletin = send(personas["county_a_ee_officer"])
    recipients = list(
        Notification.objects.filter(digest_key=f"bulletin:{bulletin.pk}").order_by("recipient__username")
        .values_list("recipient__username", flat=True)
    )
    assert recipients == ["county_a_em_leader", "county_a_em_officer"]


def test_adhoc_bulletin_records_sender(personas):
    bulletin = send(personas["county_a_ee_officer"])
    entry = AuditEntry.objects.get(action="bulletin.send", object_id=str(bulletin.pk))
    assert entry.actor == personas["county_a_ee_officer"]
