"""Read helpers for the enterprise registry: the scoped, filtered and sorted list."""

from django.db.models import Q

from anhuan.enterprises.domain import credit_code as credit_codes
from anhuan.enterprises.models import Enterprise

# Sort keys accepted in the query string, and the ordering each stands for.
SORTS = {
    "region": ("region__sort_order", "name", "pk"),
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "credit_code": ("credit_code",),
    "grade": ("performance_grade", "name", "pk"),
    "-updated": ("-updated_at", "-pk"),
}
DEFAULT_SORT = "region"
FLAG_FIELDS = ("whitelisted", "non_interruptible", "guaranteed")


def list_enterprises(
    user,
    *,
    region=None,
    grade="",
    category="",
    keyword="",
    whitelisted=None,
    non_interruptible=None,
    guaranteed=None,
    sort=DEFAULT_SORT,
):
    """Return the enterprises the user may see, narrowed by the given criteria.

    Args:
        user: whose scope applies.
        region: a Region, or None for every region in scope.
        grade, category: a PerformanceGrade or EnterpriseCategory value, or "" for all.
        keyword: matched against the name and the credit code, case-insensitively.
        sort: a key of SORTS.
        whitelisted, non_interruptible, guaranteed: True or False to filter on the flag, None for all.
    """
    queryset = Enterprise.objects.visible_to(user).select_related("region")
    if region is not None:
        queryset = queryset.filter(region=region)
    if grade:
        queryset = queryset.filter(performance_grade=grade)
    if category:
        queryset = queryset.filter(category=category)
    flags = {"whitelisted": whitelisted, "non_interruptible": non_interruptible, "guaranteed": guaranteed}
    for name, value in flags.items():
        if value is not None:
            queryset = queryset.filter(**{name: value})
    keyword = " ".join(str(keyword or "").split())
    if keyword:
        # Codes are stored upper-case without spaces; fold the keyword the same way for them.
        queryset = queryset.filter(
            Q(name__icontains=keyword) | Q(credit_code__contains=credit_codes.normalize(keyword))
        )
    return queryset.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
