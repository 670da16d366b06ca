"""Roster pages: the personas matrix, two enterprise contacts, the portal formset and the officers' forms."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from anhuan.core.timeutil import format_local
from anhuan.pollution.domain import rosters as domain
from anhuan.pollution.models import DutyRoster, SpotCheck
from anhuan.pollution.services import rosters as service
from anhuan.pollution.tests.test_roster_fixtures import world  # noqa: F401


def submitted(world, contact=None):
    return service.save_roster(world.warning.pk, world.shifts, actor=contact or world.chemical_contact, submit=True)


def formset_data(shifts, action="submit", extra_rows=0):
    data = {
        "form-TOTAL_FORMS": str(len(shifts) + extra_rows),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "action": action,
    }
    for index, shift in enumerate(shifts):
        data.update({
            f"form-{index}-starts_at": format_local(shift.starts_at),
            f"form-{index}-ends_at": format_local(shift.ends_at),
            f"form-{index}-person_name": shift.person_name,
            f"form-{index}-person_phone": shift.person_phone,
            f"form-{index}-leader_name": shift.leader_name,
            f"form-{index}-leader_phone": shift.leader_phone,
        })
    return data


# --- Staff pages by persona ------------------------------------------------------------------------

LIST_STATUS = {
    "city_ee_officer": 200, "city_ee_leader": 200, "city_em_officer": 200, "city_em_leader": 200,
    "county_a_ee_officer": 200, "county_a_em_officer": 200, "county_a_ee_leader": 200, "county_a_em_leader": 200,
    "county_b_ee_officer": 200, "county_b_em_officer": 200, "city_expert": 200,
    "system_admin": 403, "audit_admin": 403,
}
# The roster of the chemical works in 信都区.
DETAIL_STATUS = dict(LIST_STATUS, county_b_ee_officer=404, county_b_em_officer=404)


@pytest.mark.parametrize("persona,status", LIST_STATUS.items())
def test_list_by_persona(client, world, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(reverse("pollution:roster-list")).status_code == status


@pytest.mark.parametrize("persona,status", LIST_STATUS.items())
def test_export_by_persona(client, world, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(reverse("pollution:roster-export")).status_code == status


@pytest.mark.parametrize("persona,status", DETAIL_STATUS.items())
def test_detail_by_persona(client, world, personas, persona, status):
    roster = submitted(world)
    client.force_login(personas[persona])
    assert client.get(reverse("pollution:roster-detail", args=[roster.pk])).status_code == status


@pytest.mark.parametrize("persona", ["county_b_em_officer", "system_admin", "city_expert"])
def test_outsiders_cannot_confirm(client, world, personas, persona):
    roster = submitted(world)
    client.force_login(personas[persona])
    client.post(reverse("pollution:roster-detail", args=[roster.pk]), {"action": "confirm"})
    roster.refresh_from_db()
    assert roster.status == DutyRoster.Status.SUBMITTED


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_em_leader", "city_em_officer"])
def test_scoped_staff_confirm(client, world, personas, persona):
    roster = submitted(world)
    client.force_login(personas[persona])
    response = client.post(reverse("pollution:roster-detail", args=[roster.pk]), {"action": "confirm"})
    roster.refresh_from_db()
    assert response.status_code == 302
    assert roster.status == DutyRoster.Status.CONFIRMED


def test_list_hides_other_county(client, world, personas):
    client.force_login(personas["county_b_em_officer"])
    content = client.get(reverse("pollution:roster-list")).content.decode()
    assert "沙河玻璃有限公司" in content
    assert "信都化工有限公司" not in content


def test_list_shows_region_counts(client, world, personas):
    client.force_login(personas["city_em_officer"])
    response = client.get(reverse("pollution:roster-list"))
    assert {(row["region_name"], row["unconfirmed"]) for row in response.context["counts"]} == {("信都区", 2), ("沙河市", 1)}


def test_list_filters_by_state(client, world, personas):
    submitted(world)
    client.force_login(personas["city_em_officer"])
    response = client.get(reverse("pollution:roster-list"), {"warning": world.warning.pk, "state": "submitted"})
    assert [row.enterprise.name for row in response.context["rows"]] == ["信都化工有限公司"]


def test_export_download_reads_back(client, world, personas):
    submitted(world)
    client.force_login(personas["county_a_ee_officer"])
    response = client.get(reverse("pollution:roster-export"), {"warning": world.warning.pk})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    names = [row[1].value for row in workbook.worksheets[0].iter_rows(min_row=3)]
    assert names == ["信都化工有限公司", "信都砖瓦有限公司"]


def test_return_needs_reason_on_page(client, world, personas):
    roster = submitted(world)
    client.force_login(personas["county_a_em_officer"])
    response = client.post(reverse("pollution:roster-detail", args=[roster.pk]), {"action": "return", "return-reason": ""})
    roster.refresh_from_db()
    assert response.status_code == 200
    assert roster.status == DutyRoster.Status.SUBMITTED


def test_return_from_page(client, world, personas):
    roster = submitted(world)
    client.force_login(personas["county_a_em_officer"])
    client.post(reverse("pollution:roster-detail", args=[roster.pk]), {"action": "return", "return-reason": "缺少夜班"})
    roster.refresh_from_db()
    assert roster.status == DutyRoster.Status.RETURNED


def test_confirming_twice_shows_message(client, world, personas):
    roster = service.confirm_roster(submitted(world), actor=personas["county_a_em_officer"])
    client.force_login(personas["county_a_em_officer"])
    response = client.post(reverse("pollution:roster-detail", args=[roster.pk]), {"action": "confirm"}, follow=True)
    texts = [str(message) for message in response.context["messages"]]
    assert len(texts) == 1
    assert str(domain.STATE_NAMES["confirmed"]) in texts[0]


def test_spot_check_from_page(client, world, personas):
    roster = submitted(world)
    client.force_login(personas["county_a_ee_officer"])
    client.post(reverse("pollution:roster-detail", args=[roster.pk]), {
        "action": "spot_check", "check-phone": "13800138000", "check-answered": "no", "check-note": "无人接听",
    })
    check = SpotCheck.objects.get()
    assert check.answered is False
    assert check.note == "无人接听"


def test_spot_check_bad_phone_on_page(client, world, personas):
    roster = submitted(world)
    client.force_login(personas["county_a_ee_officer"])
    response = client.post(reverse("pollution:roster-detail", args=[roster.pk]), {
        "action": "spot_check", "check-phone": "12345", "check-answered": "yes",
    })
    assert response.status_code == 200
    assert response.context["check_form"].errors["phone"]


def test_detail_shows_history(client, world, personas):
    roster = submitted(world)
    client.force_login(personas["county_a_ee_officer"])
    response = client.get(reverse("pollution:roster-detail", args=[roster.pk]))
    assert [entry.action for entry in response.context["history"]] == ["roster.submit"]


# --- Enterprise contacts ----------------------------------------------------------------------------


def test_contact_opens_own_roster(client, world):
    client.force_login(world.chemical_contact)
    response = client.get(reverse("pollution:portal-roster", args=[world.warning.pk]))
    assert response.status_code == 200
    assert response.context["enterprise"] == world.chemical


def test_contact_submits_from_portal(client, world):
    client.force_login(world.chemical_contact)
    response = client.post(reverse("pollution:portal-roster", args=[world.warning.pk]), formset_data(world.shifts, extra_rows=2))
    roster = DutyRoster.objects.get(enterprise=world.chemical)
    assert response.status_code == 302
    assert roster.status == DutyRoster.Status.SUBMITTED
    assert roster.shifts.count() == 3


def test_portal_shows_gap_on_row(client, world):
    shifts = [world.shifts[0], world.shifts[2]]
    client.force_login(world.chemical_contact)
    response = client.post(reverse("pollution:portal-roster", args=[world.warning.pk]), formset_data(shifts))
    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["starts_at"]
    assert not DutyRoster.objects.exists()


def test_portal_saves_draft(client, world):
    client.force_login(world.chemical_contact)
    client.post(reverse("pollution:portal-roster", args=[world.warning.pk]), formset_data(world.shifts[:1], action="save"))
    assert DutyRoster.objects.get().status == DutyRoster.Status.DRAFT


def test_portal_read_only_after_submission(client, world):
    submitted(world)
    client.force_login(world.chemical_contact)
    response = client.post(reverse("pollution:portal-roster", args=[world.warning.pk]), formset_data(world.shifts[:1], action="save"))
    assert response.status_code == 200
    assert response.context["general_errors"]
    assert DutyRoster.objects.get().shifts.count() == 3


def test_contact_without_duty_gets_404(client, world):
    client.force_login(world.outsider_contact)
    assert client.get(reverse("pollution:portal-roster", args=[world.warning.pk])).status_code == 404


def test_contact_cannot_open_other_roster(client, world):
    roster = submitted(world, world.glass_contact)
    client.force_login(world.chemical_contact)
    assert client.get(reverse("pollution:roster-detail", args=[roster.pk])).status_code == 404


def test_contact_own_detail_redirects_to_portal(client, world):
    roster = submitted(world)
    client.force_login(world.chemical_contact)
    response = client.get(reverse("pollution:roster-detail", args=[roster.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("pollution:portal-roster", args=[world.warning.pk])


def test_contact_cannot_post_to_other_roster(client, world):
    roster = submitted(world, world.glass_contact)
    client.force_login(world.chemical_contact)
    response = client.post(reverse("pollution:roster-detail", args=[roster.pk]), {"action": "confirm"})
    roster.refresh_from_db()
    assert response.status_code == 404
    assert roster.status == DutyRoster.Status.SUBMITTED


@pytest.mark.parametrize("name", ["pollution:roster-list", "pollution:roster-export"])
def test_contact_denied_staff_lists(client, world, name):
    client.force_login(world.chemical_contact)
    assert client.get(reverse(name)).status_code == 403


def test_contacts_see_only_own_shifts(client, world):
    submitted(world, world.glass_contact)
    client.force_login(world.chemical_contact)
    response = client.get(reverse("pollution:portal-roster", args=[world.warning.pk]))
    assert response.context["roster"] is None


def test_staff_cannot_open_portal_roster(client, world, personas):
    client.force_login(personas["county_a_em_officer"])
    assert client.get(reverse("pollution:portal-roster", args=[world.warning.pk])).status_code == 403


def test_portal_unknown_warning_404(client, world):
    client.force_login(world.chemical_contact)
    assert client.get(reverse("pollution:portal-roster", args=[world.warning.pk + 999])).status_code == 404


def test_portal_lifted_warning_read_only(client, world):
    world.warning.status = "lifted"
    world.warning.save()
    client.force_login(world.chemical_contact)
    response = client.get(reverse("pollution:portal-roster", args=[world.warning.pk]))
    assert response.context["editable"] is False


def test_portal_shift_times_in_shanghai(client, world):
    client.force_login(world.chemical_contact)
    client.post(reverse("pollution:portal-roster", args=[world.warning.pk]), formset_data(world.shifts))
    shift = DutyRoster.objects.get().shifts.order_by("starts_at").first()
    assert shift.starts_at == world.shifts[0].starts_at.replace(second=0, microsecond=0)
    assert shift.starts_at - shift.ends_at == -dt.timedelta(hours=8)


def test_portal_resave_keeps_unchanged_rows(client, world):
    service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact)
    client.force_login(world.chemical_contact)
    page = client.get(reverse("pollution:portal-roster", args=[world.warning.pk]))
    formset = page.context["formset"]
    data = {f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()}
    for form in formset.forms:
        for name, field in form.fields.items():
            # What the browser sends back: the value as the page rendered it.
            value = field.widget.format_value(form[name].value())
            if value is not None:
                data[form.add_prefix(name)] = value
    data["action"] = "submit"
    client.post(reverse("pollution:portal-roster", args=[world.warning.pk]), data)
    roster = DutyRoster.objects.get()
    assert roster.status == DutyRoster.Status.SUBMITTED
    assert list(roster.shifts.order_by("starts_at").values_list("starts_at", flat=True)) == [
        shift.starts_at.replace(second=0, microsecond=0) for shift in world.shifts
    ]


def test_portal_deletes_marked_row(client, world):
    service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact)
    data = formset_data(world.shifts, action="save")
    data["form-2-DELETE"] = "on"
    client.force_login(world.chemical_contact)
    client.post(reverse("pollution:portal-roster", args=[world.warning.pk]), data)
    assert DutyRoster.objects.get().shifts.count() == 2
