"""The key facility section of the enterprise file (一企一档)."""

from django.urls import reverse

from anhuan.facilities.services.lifecycle import key_facilities_for, list_stage, red_flags


def get_key_facilities(user, enterprise):
    """Return the enterprise's key facilities in the user's scope, each with its stage, red flags and page link.

    One query: the list's own annotated queryset narrowed to the enterprise.
    """
    facilities = list(key_facilities_for(user).filter(enterprise=enterprise).order_by("name", "id"))
    for facility in facilities:
        facility.stage = list_stage(facility)
        facility.flags = red_flags(facility)
        facility.page_url = reverse("facilities:detail", args=[facility.pk])
    return facilities
