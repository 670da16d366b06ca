"""The enterprise file page (一企一档): sections with counts, a jump bar and a timeline.

The page reads through ``anhuan.enterprises.file``; links point to the page of
each record that the viewer can open (staff pages for staff, portal pages for
the enterprise's contact), or to the record's section on this page.
"""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views import View

from anhuan.core.errors import NotPermitted
from anhuan.enterprises import file as enterprise_files
from anhuan.enterprises.services import can_edit_enterprises


def _optional_url(name, *args):
    """Return the URL of a named route, or None when that route is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _staff_url(kind, obj):
    if kind == "plan_item":
        return reverse("pollution:consultation-detail", args=[obj.plan.event_id])
    if kind == "consultation":
        return reverse("pollution:consultation-detail", args=[obj.event_id])
    if kind == "onsite":
        return reverse("pollution:onsite-detail", args=[obj.pk])
    if kind == "document":
        return reverse("pollution:onsite-document-download", args=[obj.pk])
    if kind == "roster":
        return reverse("pollution:roster-detail", args=[obj.pk])
    if kind == "maintenance":
        return reverse("pollution:maintenance-detail", args=[obj.pk])
    if kind == "adhoc":
        return reverse("pollution:warning-detail", args=[obj.event.warning_id])
    if kind == "approval":
        return _optional_url("sharing:register-detail", "approvals", obj.pk)
    if kind == "safety_facility":
        return _optional_url("sharing:register-detail", "safety-facilities", obj.pk)
    if kind == "env_facility":
        return _optional_url("sharing:register-detail", "env-facilities", obj.pk)
    if kind == "enforcement":
        return _optional_url("sharing:register-detail", "enforcement", obj.pk)
    if kind == "bulletin":
        return _optional_url("sharing:bulletin-detail", obj.pk)
    if kind == "referral":
        return _optional_url("sharing:referral-detail", obj.pk)
    return None


def _contact_url(kind, obj):
    if kind in ("plan_item", "adhoc"):
        return reverse("pollution:portal-home")
    if kind == "document":
        return reverse("pollution:onsite-document-download", args=[obj.pk])
    if kind == "roster":
        return reverse("pollution:portal-roster", args=[obj.warning_id])
    if kind == "maintenance":
        return reverse("pollution:portal-maintenance-detail", args=[obj.pk])
    return None


def record_url(kind, obj, for_contact):
    """Return the page of one record that the viewer can open, or None."""
    return _contact_url(kind, obj) if for_contact else _staff_url(kind, obj)


def _timeline_rows(enterprise_file):
    rows = []
    for event in enterprise_file.timeline:
        url = record_url(event.kind, event.obj, enterprise_file.for_contact) or f"#{event.section}"
        rows.append({
            "time": enterprise_files.format_event_time(event),
            "kind": event.kind,
            "kind_label": event.kind_label,
            "summary": event.summary,
            "url": url,
        })
    return rows


def _attach_urls(enterprise_file):
    kinds = {
        "plan_items": "plan_item", "consultations": "consultation", "onsite": "onsite", "documents": "document",
        "rosters": "roster", "maintenance": "maintenance", "adhoc": "adhoc", "approvals": "approval",
        "safety_facilities": "safety_facility", "env_facilities": "env_facility", "enforcement": "enforcement",
        "bulletins": "bulletin", "referrals": "referral",
    }
    for key, section in enterprise_file.sections.items():
        kind = kinds.get(key)
        for row in section.rows:
            row.file_url = record_url(kind, row, enterprise_file.for_contact) if kind else None


class EnterpriseFileView(View):
    def get(self, request, pk):
        try:
            enterprise_file = enterprise_files.get_enterprise_file_for_user(request.user, pk)
        except NotPermitted as error:
            return render(request, "403.html", {"message": error.message}, status=403)

        _attach_urls(enterprise_file)
        sections = enterprise_file.sections
        return render(request, "enterprises/file.html", {
            "file": enterprise_file,
            "enterprise": enterprise_file.enterprise,
            "sections": sections,
            "section_list": list(sections.values()),
            "timeline": _timeline_rows(enterprise_file),
            "can_list": not enterprise_file.for_contact,
            "can_edit": can_edit_enterprises(request.user),
        })
