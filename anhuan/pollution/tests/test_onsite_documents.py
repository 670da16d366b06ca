"""Enterprise documents: the contact's uploads, their checks, and who may download them."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.pollution.models import EnterpriseDocument
from anhuan.pollution.services.onsite import MAX_DOCUMENT_BYTES, get_document_for_user, upload_document
from anhuan.pollution.tests.consultation_fixtures import make_event
from anhuan.pollution.tests.onsite_fixtures import (  # noqa: F401
    PDF_BYTES,
    docx_upload,
    english,
    media_root,
    onsite,
    pdf_upload,
    xlsx_bytes,
)
from conftest import make_user

pytestmark = pytest.mark.usefixtures("english", "media_root")


@pytest.fixture
def chemical_contact(onsite):
    return make_user("chemical_contact", enterprise=onsite.chemical)


@pytest.fixture
def glass_contact(onsite):
    return make_user("glass_contact", enterprise=onsite.glass)


def test_contact_uploads_pdf(onsite, chemical_contact):
    document = upload_document(onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=pdf_upload())
    assert document.enterprise == onsite.chemical
    assert document.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


def test_uploaded_file_reads_back(onsite, chemical_contact):
    document = upload_document(onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=pdf_upload())
    with document.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES


def test_contact_uploads_docx(onsite, chemical_contact, tmp_path):
    document = upload_document(
        onsite.warning, actor=chemical_contact, kind="response_plan", uploaded_file=docx_upload(tmp_path)
    )
    assert document.file_name == "应急处置预案.docx"


def test_contact_uploads_xlsx(onsite, chemical_contact):
    upload = SimpleUploadedFile("方案.xlsx", xlsx_bytes())
    document = upload_document(onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=upload)
    assert document.kind == "shutdown_plan"


def test_upload_writes_audit_entry(onsite, chemical_contact):
    document = upload_document(onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=pdf_upload())
    entry = AuditEntry.objects.get(action="onsite.document_upload", object_id=str(document.pk))
    assert entry.data["sha256"] == document.sha256


def test_upload_rejects_other_extension(onsite, chemical_contact):
    upload = SimpleUploadedFile("方案.exe", b"MZ\x90\x00")
    with pytest.raises(ValidationFailed) as error:
        upload_document(onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=upload)
    assert "方案.exe" in str(error.value.message)


def test_upload_rejects_empty_file(onsite, chemical_contact):
    with pytest.raises(ValidationFailed) as error:
        upload_document(onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=pdf_upload(content=b""))
    assert str(error.value.message) == "File 停限产方案.pdf is empty."


def test_upload_rejects_disguised_file(onsite, chemical_contact):
    with pytest.raises(ValidationFailed) as error:
        upload_document(
            onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=pdf_upload(content=b"plain text")
        )
    assert "not a valid .pdf file" in str(error.value.message)


def test_upload_rejects_large_file(onsite, chemical_contact):
    oversized = PDF_BYTES + b"0" * MAX_DOCUMENT_BYTES
    with pytest.raises(ValidationFailed) as error:
        upload_document(onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=pdf_upload(content=oversized))
    assert "larger than 20 MB" in str(error.value.message)


def test_upload_rejects_unknown_kind(onsite, chemical_contact):
    with pytest.raises(ValidationFailed):
        upload_document(onsite.warning, actor=chemical_contact, kind="duty_roster", uploaded_file=pdf_upload())


def test_staff_cannot_upload(onsite, personas):
    with pytest.raises(NotPermitted):
        upload_document(onsite.warning, actor=personas["county_a_em_officer"], kind="shutdown_plan", uploaded_file=pdf_upload())


def test_lifted_warning_rejects_upload(onsite, chemical_contact):
    onsite.warning.status = "lifted"
    onsite.warning.save()
    with pytest.raises(Http404):
        upload_document(onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=pdf_upload())


def test_warning_elsewhere_rejects_upload(onsite, glass_contact):
    county_a_only = make_event(region_codes=["130503"]).warning
    with pytest.raises(Http404):
        upload_document(county_a_only, actor=glass_contact, kind="shutdown_plan", uploaded_file=pdf_upload())


def test_failed_upload_writes_nothing(onsite, chemical_contact):
    with pytest.raises(ValidationFailed):
        upload_document(onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=pdf_upload(content=b"x"))
    assert not EnterpriseDocument.objects.exists()


# --- Who may download -----------------------------------------------------------------------------


@pytest.fixture
def chemical_document(onsite, chemical_contact):
    return upload_document(onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=pdf_upload())


def test_own_contact_reaches_document(chemical_document, chemical_contact):
    assert get_document_for_user(chemical_contact, chemical_document.pk) == chemical_document


def test_other_contact_gets_not_found(chemical_document, glass_contact):
    with pytest.raises(Http404):
        get_document_for_user(glass_contact, chemical_document.pk)


def test_county_staff_reach_document(chemical_document, personas):
    assert get_document_for_user(personas["county_a_ee_officer"], chemical_document.pk) == chemical_document


def test_other_county_gets_not_found(chemical_document, personas):
    with pytest.raises(Http404):
        get_document_for_user(personas["county_b_em_officer"], chemical_document.pk)


def test_administrator_gets_not_found(chemical_document, personas):
    with pytest.raises(Http404):
        get_document_for_user(personas["system_admin"], chemical_document.pk)
