"""The minutes (.docx) and plan (.xlsx) downloads, read back with python-docx and openpyxl."""

import datetime as dt
from urllib.parse import quote

import docx
import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn

from anhuan.core.timeutil import SHANGHAI
from anhuan.pollution.exports.minutes_docx import minutes_file_name, write_minutes
from anhuan.pollution.services.consultations import confirm_plan, record_opinion, update_conclusion
from anhuan.pollution.tests.consultation_fixtures import city_event  # noqa: F401

HELD_AT = dt.datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def concluded(city_event, personas):
    """The city event with opinions of both departments, conclusions and both confirmations."""
    consultation = city_event.consultation
    record_opinion(consultation, actor=personas["city_em_officer"], text="信都钢铁1号转炉需延后停产。")
    record_opinion(consultation, actor=personas["city_ee_officer"], text="同意按方案执行。")
    update_conclusion(
        consultation,
        actor=personas["city_ee_officer"],
        conclusion="同意减排方案。\n信都钢铁1号转炉延后6小时执行。",
        held_at=HELD_AT,
        attendees="市应急管理局张三、市生态环境局李四",
        document_number="邢环〔2026〕12号",
    )
    confirm_plan(consultation, actor=personas["city_em_leader"])
    confirm_plan(consultation, actor=personas["city_ee_leader"])
    consultation.refresh_from_db()
    return city_event


def download(client, user, name, event, tmp_path, suffix, **params):
    client.force_login(user)
    response = client.get(reverse(f"pollution:{name}", args=[event.id]), params)
    path = tmp_path / f"download{suffix}"
    path.write_bytes(response.content)
    return response, path


@pytest.fixture
def minutes(client, concluded, personas, tmp_path):
    response, path = download(client, personas["city_em_officer"], "consultation-minutes-docx", concluded, tmp_path, ".docx")
    return response, docx.Document(path)


def zh(message, **values):
    with translation.override("zh-hans"):
        return _(message) % values if values else _(message)


def texts(document):
    return [paragraph.text for paragraph in document.paragraphs]


def table_texts(document):
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def east_asian_font(run):
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


# --- Minutes -----------------------------------------------------------------------------------


def test_minutes_file_name_has_date(minutes, concluded):
    response, _document = minutes
    name = minutes_file_name(concluded.consultation)
    assert name.endswith("-2026-12-05.docx")
    assert f"filename*=UTF-8''{quote(name)}" in response["Content-Disposition"]
    assert 'filename="consultation-minutes-2026-12-05.docx"' in response["Content-Disposition"]


def test_minutes_content_type(minutes):
    response, _document = minutes
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_minutes_margins_in_mm(minutes):
    section = minutes[1].sections[0]
    assert section.top_margin.mm == pytest.approx(37, abs=0.05)
    assert section.bottom_margin.mm == pytest.approx(35, abs=0.05)
    assert section.left_margin.mm == pytest.approx(28, abs=0.05)
    assert section.right_margin.mm == pytest.approx(26, abs=0.05)


def test_minutes_spacing_fits_22_lines(minutes):
    document = minutes[1]
    section = document.sections[0]
    spacing = document.styles["Normal"].paragraph_format
    text_height = section.page_height - section.top_margin - section.bottom_margin
    assert spacing.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert int(text_height / spacing.line_spacing) == 22


def test_minutes_red_head_names_city(minutes):
    head = minutes[1].paragraphs[0]
    assert head.text == zh("%(city)s heavy-pollution weather emergency reduction joint consultation minutes", city="邢台市")
    assert head.text.startswith("邢台市")
    assert str(head.runs[0].font.color.rgb) == "FF0000"
    assert east_asian_font(head.runs[0]) == "方正小标宋简体"


def test_minutes_number_has_hexagonal_brackets(minutes):
    assert "邢环〔2026〕12号" in texts(minutes[1])


def test_minutes_title_font_and_size(minutes):
    with translation.override("zh-hans"):
        level = _("orange (level II)")
    title_text = zh(
        "Minutes of the joint consultation on emergency reduction measures for the %(level)s heavy-pollution weather warning",
        level=level,
    )
    title = next(paragraph for paragraph in minutes[1].paragraphs if paragraph.text == title_text)
    assert title.runs[0].font.size.pt == 22
    assert east_asian_font(title.runs[0]) == "方正小标宋简体"


def test_minutes_body_font_and_size(minutes):
    body = next(paragraph for paragraph in minutes[1].paragraphs if paragraph.text == "同意减排方案。")
    assert body.runs[0].font.size.pt == 16
    assert east_asian_font(body.runs[0]) == "FangSong_GB2312"


def test_minutes_contain_conclusions_and_opinions(minutes):
    paragraphs = "\n".join(texts(minutes[1]))
    assert "信都钢铁1号转炉延后6小时执行。" in paragraphs
    assert "邢台市应急管理局" in paragraphs
    assert "信都钢铁1号转炉需延后停产。" in paragraphs
    assert "同意按方案执行。" in paragraphs


def test_minutes_list_only_safety_flagged_items(minutes):
    rows = table_texts(minutes[1])
    enterprises = {row[0] for row in rows}
    assert "信都钢铁有限公司" in enterprises
    assert "沙河玻璃有限公司" in enterprises
    assert "沙河砖瓦有限公司" not in enterprises
    assert "信都涂料有限公司" not in enterprises


def test_minutes_flags_in_document_language(minutes):
    with translation.override("zh-hans"):
        expected = "、".join([_("insufficient lead time"), _("non-interruptible")])
    steel = next(row for row in table_texts(minutes[1]) if row[0] == "信都钢铁有限公司")
    assert steel[1] == "1号转炉"
    assert steel[3] == "2026-12-06 02:00"
    assert steel[4] == expected


def test_minutes_figures_by_region(minutes):
    rows = {row[0]: row for row in table_texts(minutes[1])}
    assert rows["信都区"][1:3] == ["2", "2"]
    assert rows["沙河市"][1:3] == ["2", "2"]


def test_minutes_attendance_and_confirmations(minutes):
    paragraphs = texts(minutes[1])
    assert "出席：市应急管理局张三、市生态环境局李四" in paragraphs
    assert any("city_em_leader" in text for text in paragraphs)
    assert any("city_ee_leader" in text for text in paragraphs)


def test_minutes_signed_by_both_city_agencies(minutes):
    paragraphs = texts(minutes[1])
    date_index = paragraphs.index("2026年12月5日")
    assert paragraphs[date_index - 2:date_index] == ["邢台市应急管理局", "邢台市生态环境局"]


def test_county_minutes_cover_own_region(client, concluded, personas, tmp_path):
    _response, path = download(
        client, personas["county_a_em_officer"], "consultation-minutes-docx", concluded, tmp_path, ".docx"
    )
    enterprises = {row[0] for row in table_texts(docx.Document(path))}
    assert "信都钢铁有限公司" in enterprises
    assert "沙河玻璃有限公司" not in enterprises


def test_write_minutes_without_items_uses_whole_plan(concluded, tmp_path):
    path = tmp_path / "all.docx"
    write_minutes(concluded.consultation, path)
    enterprises = {row[0] for row in table_texts(docx.Document(path))}
    assert {"信都钢铁有限公司", "沙河玻璃有限公司"} <= enterprises


def test_minutes_of_open_consultation(client, city_event, personas, tmp_path):
    _response, path = download(client, personas["city_ee_officer"], "consultation-minutes-docx", city_event, tmp_path, ".docx")
    paragraphs = texts(docx.Document(path))
    assert zh("No conclusions were recorded.") in paragraphs
    assert zh("No opinion was recorded.") in paragraphs


# --- Plan workbook -----------------------------------------------------------------------------


def workbook_names(path):
    sheet = openpyxl.load_workbook(path).active
    return {cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str) and "有限公司" in cell}


def test_plan_export_follows_filters(client, city_event, personas, tmp_path):
    response, path = download(
        client, personas["city_ee_officer"], "consultation-plan-xlsx", city_event, tmp_path, ".xlsx",
        flag="onsite_guidance_required",
    )
    assert response.status_code == 200
    assert workbook_names(path) == {"沙河玻璃有限公司"}


def test_plan_export_respects_scope(client, city_event, personas, tmp_path):
    _response, path = download(client, personas["county_a_ee_officer"], "consultation-plan-xlsx", city_event, tmp_path, ".xlsx")
    assert workbook_names(path) == {"信都钢铁有限公司", "信都涂料有限公司"}


def test_plan_export_file_name(client, city_event, personas, tmp_path):
    response, _path = download(client, personas["city_ee_officer"], "consultation-plan-xlsx", city_event, tmp_path, ".xlsx")
    assert 'filename="reduction-plan-2026-12-05.xlsx"' in response["Content-Disposition"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
