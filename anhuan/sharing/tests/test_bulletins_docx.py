"""The Word 通报 of a generated bulletin, written to a file and read back."""

import docx

from anhuan.organizations.models import Department
from anhuan.sharing.exports.bulletin_docx import file_name, write_bulletin_docx
from anhuan.sharing.models import Bulletin, BulletinFlow
from anhuan.sharing.services.bulletins import generate_due_bulletins
from anhuan.sharing.tests.bulletin_fixtures import NOW, REGION_A, agency, period_rows  # noqa: F401


def write(bulletin, tmp_path):
    path = tmp_path / "bulletin.docx"
    write_bulletin_docx(bulletin, path)
    return docx.Document(path)


def safety_bulletin():
    return Bulletin.objects.get(flow=BulletinFlow.SAFETY_RISKS, sender=agency(Department.EMERGENCY, REGION_A))


def test_docx_has_one_table_per_section(period_rows, tmp_path):
    generate_due_bulletins(NOW)
    document = write(safety_bulletin(), tmp_path)
    assert len(document.tables) == 3 + 1  # three sections and the 版记


def test_docx_table_lists_enforcement_finding(period_rows, tmp_path):
    generate_due_bulletins(NOW)
    document = write(safety_bulletin(), tmp_path)
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert "储罐区可燃气体报警器失效" in cells


def test_docx_carries_number_and_receiver(period_rows, tmp_path):
    generate_due_bulletins(NOW)
    text = "\n".join(paragraph.text for paragraph in write(safety_bulletin(), tmp_path).paragraphs)
    assert "信都应急通〔2026〕1号" in text
    assert "邢台市生态环境局信都区分局：" in text


def test_docx_signature_dates_sending_day(period_rows, tmp_path):
    generate_due_bulletins(NOW)
    text = "\n".join(paragraph.text for paragraph in write(safety_bulletin(), tmp_path).paragraphs)
    assert "2026年3月11日" in text


def test_empty_bulletin_still_writes_document(period_rows, tmp_path):
    generate_due_bulletins(NOW)
    bulletin = Bulletin.objects.get(flow=BulletinFlow.SAFETY_RISKS, sender=agency(Department.EMERGENCY, "130582"))
    document = write(bulletin, tmp_path)
    assert bulletin.body in "\n".join(paragraph.text for paragraph in document.paragraphs)


def test_file_name_replaces_unsafe_characters(period_rows):
    generate_due_bulletins(NOW)
    bulletin = safety_bulletin()
    bulletin.title = "关于A/B企业的通报"
    assert file_name(bulletin) == "关于A_B企业的通报-2026-03-11.docx"
