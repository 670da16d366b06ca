"""On-site guidance test data: a city-wide warning starting soon, flagged enterprises, experts and files.

Test modules import the fixtures they use by name, e.g.
``from anhuan.pollution.tests.onsite_fixtures import onsite, media_root  # noqa: F401``.
"""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from anhuan.experts.models import Expert
from anhuan.organizations.models import Region
from anhuan.pollution.tests.consultation_fixtures import REGION_A, REGION_B, add_item, make_enterprise, make_event

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name="停限产方案.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_upload(tmp_path, name="应急处置预案.docx"):
    """Write a real .docx with python-docx and return it as an upload."""
    import docx

    document = docx.Document()
    document.add_paragraph("应急处置预案")
    path = tmp_path / name
    document.save(path)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="application/octet-stream")


def make_expert(name, region_code=None, department="emergency", **fields):
    region = Region.objects.get(code=region_code) if region_code else Region.objects.get(kind="city")
    fields.setdefault("specialties", ["chemical_process"])
    return Expert.objects.create(name=name, department=department, region=region, **fields)


@pytest.fixture
def english():
    """Messages are asserted in English whatever the catalog holds; use with ``autouse`` in a module."""
    with translation.override("en"):
        yield


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def onsite(db):
    """A city-wide warning starting in ten hours with two enterprises flagged for on-site guidance.

    ``chemical`` (信都区) has two flagged lines, ``glass`` (沙河市) one; ``brick`` (信都区) is not
    flagged. Experts: ``county_expert`` of 信都区, ``city_expert`` of the city pool, ``insider``
    employed by the chemical works (linked) and ``namesake`` whose employer name matches the glass
    works apart from spaces.
    """
    now = timezone.now()
    event = make_event(announced_at=now, starts_at=now + dt.timedelta(hours=10))
    chemical = make_enterprise("信都化工有限公司", REGION_A)
    glass = make_enterprise("沙河玻璃有限公司", REGION_B)
    brick = make_enterprise("信都砖瓦有限公司", REGION_A)
    items = {
        "chemical_1": add_item(event, chemical, production_line="合成氨装置", flags=["onsite_guidance_required"],
                               effective_at=now + dt.timedelta(hours=12)),
        "chemical_2": add_item(event, chemical, production_line="尿素装置", flags=["onsite_guidance_required"],
                               effective_at=now + dt.timedelta(hours=30)),
        "glass": add_item(event, glass, production_line="2号熔窑", measure_type="limit", limit_percent=30,
                          flags=["onsite_guidance_required"], effective_at=now + dt.timedelta(hours=48)),
        "brick": add_item(event, brick, production_line="隧道窑"),
    }
    return SimpleNamespace(
        event=event,
        warning=event.warning,
        chemical=chemical,
        glass=glass,
        brick=brick,
        items=items,
        county_expert=make_expert("王安全", REGION_A),
        city_expert=make_expert("李环保", department="environment", specialties=["environmental_engineering"]),
        insider=make_expert("赵内部", REGION_A, employer=chemical, employer_name="信都化工有限公司"),
        namesake=make_expert("钱同名", employer_name=" 沙河 玻璃有限公司 "),
    )


def team_a(personas, onsite):
    """Return the keyword arguments of a valid team for the chemical works in 信都区."""
    return {
        "experts": [onsite.county_expert],
        "officers": [personas["county_a_em_officer"], personas["county_a_ee_officer"]],
    }


def xlsx_bytes():
    import openpyxl

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "值班表"
    workbook.save(buffer)
    return buffer.getvalue()
