"""Resolving the 县（市、区） cell of a list row to a county-level Region.

A row may name a region by its full name (任泽区), its short name (任泽, 市经开区) or with the
city in front (邢台市任泽区). A name the region had before the 2020 adjustment (桥东区, 任县)
and the abolished 邢台县 are rejected with the current name(s), never mapped silently, because
the file's author must confirm where the enterprise now lies.
"""

import unicodedata

from django.utils.translation import gettext as _

from anhuan.organizations.models import Region, RegionKind
from anhuan.pollution.importing.normalise import CellError

# NOTE: Region keeps one former name per region; 邢台县 was split between two districts in
# 2020, so it cannot be stored there and is listed here.
ABOLISHED = {"邢台县": ("襄都区", "信都区")}

# Other names offices use for the two development zones.
EXTRA_NAMES = {
    "邢台经济开发区": "河北邢台经济开发区",
    "邢台经开区": "河北邢台经济开发区",
    "经开区": "河北邢台经济开发区",
    "邢台高新区": "邢台高新技术产业开发区",
    "高新区": "邢台高新技术产业开发区",
    "河北邢台高新技术产业开发区": "邢台高新技术产业开发区",
}


def _key(text):
    text = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(text.split())


class RegionResolver:
    """Looks up county-level regions by the names a list file uses; built with one query."""

    def __init__(self, regions=None):
        regions = list(Region.objects.all() if regions is None else regions)
        self.by_id = {region.id: region for region in regions}
        self.city_names = set()
        self.current = {}
        self.former = {}
        for region in regions:
            if region.kind == RegionKind.CITY:
                self.city_names.update({_key(region.name), _key(region.short_name)} - {""})
                continue
            for name in (region.name, region.short_name):
                if name:
                    self.current[_key(name)] = region
            if region.former_name:
                self.former[_key(region.former_name)] = (region.name,)
        by_name = {region.name: region for region in regions}
        for alias, name in EXTRA_NAMES.items():
            if name in by_name:
                self.current.setdefault(_key(alias), by_name[name])
        for name, successors in ABOLISHED.items():
            self.former[_key(name)] = successors
        self._cache = {}

    def resolve(self, value):
        """Return the Region a cell names, or raise CellError saying why it cannot be used."""
        if value not in self._cache:
            try:
                self._cache[value] = self._resolve(value)
            except CellError as exc:
                self._cache[value] = exc.message
        result = self._cache[value]
        if isinstance(result, str):
            raise CellError(result)
        return result

    def _resolve(self, value):
        key = _key(value)
        candidates = [key]
        for city in sorted(self.city_names, key=len, reverse=True):
            for prefix in ("河北省" + city, city):
                if key.startswith(prefix) and len(key) > len(prefix):
                    candidates.append(key[len(prefix):])
        for candidate in candidates:
            if candidate in self.current:
                return self.current[candidate]
        for candidate in candidates:
            if candidate in self.former:
                raise CellError(self._former_message(candidate, self.former[candidate]))
        if key in self.city_names:
            raise CellError(_("Enter the county-level division the enterprise is in, not the whole city."))
        raise CellError(
            _('"%(value)s" is not a county-level division of this city; use a name such as 信都区 or 沙河市.')
            % {"value": value}
        )

    @staticmethod
    def _former_message(name, successors):
        if len(successors) == 1:
            return _("%(name)s was renamed %(current)s in the 2020 adjustment; enter the current name.") % {
                "name": name,
                "current": successors[0],
            }
        return _(
            "%(name)s was abolished in the 2020 adjustment and its area now belongs to %(successors)s; "
            "enter the division the enterprise is in now."
        ) % {"name": name, "successors": "、".join(successors)}
