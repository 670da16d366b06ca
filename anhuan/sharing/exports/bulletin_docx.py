"""A bulletin as a Word 通报 in the GB/T 9704 layout: red head, document number, title, sections.

The fixed wording is rendered in the platform's language (Chinese), like the bulletin's stored
text, whatever the reader's language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from anhuan.core.officialdoc import DocumentKind, OfficialDocument
from anhuan.core.timeutil import to_local

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_LANGUAGE = settings.LANGUAGE_CODE
# Characters Windows and WPS refuse in file names.
_UNSAFE = str.maketrans({char: "_" for char in '\\/:*?"<>|'})


def file_name(bulletin):
    """Return the download name: the title and the sending date, e.g. 关于…的通报-2026-03-09.docx."""
    return f"{bulletin.title.translate(_UNSAFE)}-{to_local(bulletin.sent_at):%Y-%m-%d}.docx"


def write_bulletin_docx(bulletin, stream):
    """Write ``bulletin`` as .docx to ``stream`` (a path or binary stream)."""
    with translation.override(DOCUMENT_LANGUAGE):
        document = _build(bulletin)
    document.save(stream)


def _build(bulletin):
    document = OfficialDocument(
        kind=DocumentKind.FILE, issuer=bulletin.sender.name, number=bulletin.document_number, title=bulletin.title,
    )
    document.recipients(bulletin.receiver.name)
    document.paragraph(bulletin.body)
    for section in bulletin.content.get("sections", []):
        document.heading1(section["title"])
        for text in section.get("paragraphs", []):
            document.paragraph(text)
        table = section.get("table")
        if table:
            document.table(table["rows"], table["header"])
    sent_on = to_local(bulletin.sent_at).date()
    document.signature(bulletin.sender.name, sent_on)
    document.imprint([], _("%(agency)s office") % {"agency": bulletin.sender.name}, sent_on)
    return document
