"""A stop-use order as a Word 决定 in the GB/T 9704 layout: red head, document number, title, body.

The fixed wording is rendered in the platform's language (Chinese), like the order's stored
text, whatever the reader's language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from anhuan.core.officialdoc import DocumentKind, OfficialDocument
from anhuan.core.timeutil import chinese_date

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_LANGUAGE = settings.LANGUAGE_CODE
# Characters Windows and WPS refuse in file names.
_UNSAFE = str.maketrans({char: "_" for char in '\\/:*?"<>|'})


def title_of(order):
    """Return the document's title, e.g. 关于责令某公司停止使用1号RTO焚烧炉的决定."""
    with translation.override(DOCUMENT_LANGUAGE):
        return _("Decision ordering %(enterprise)s to stop using %(facility)s") % {
            "enterprise": order.enterprise.name, "facility": order.facility.name,
        }


def file_name(order):
    """Return the download name: the title and the date of issue, e.g. 关于责令…的决定-2025-06-01.docx."""
    return f"{title_of(order).translate(_UNSAFE)}-{order.issued_on:%Y-%m-%d}.docx"


def write_order_docx(order, stream):
    """Write ``order`` as .docx to ``stream`` (a path or binary stream)."""
    with translation.override(DOCUMENT_LANGUAGE):
        document = _build(order)
    document.save(stream)


def _finding(order):
    if order.assessment_id:
        record = order.assessment
        return _(
            "The safety assessment of the facility carried out by %(by)s, reported on %(date)s, found that it does not "
            "meet the safety requirements."
        ) % {"by": record.assessor, "date": chinese_date(record.assessed_on)}
    if order.diagnosis_id:
        record = order.diagnosis
        return _(
            "The design diagnosis of the facility by %(by)s (%(qualification)s, certificate %(number)s), reported on "
            "%(date)s, found that it does not meet the safety requirements."
        ) % {
            "by": record.institute, "qualification": record.qualification, "number": record.certificate_number,
            "date": chinese_date(record.diagnosed_on),
        }
    return ""


def _build(order):
    from anhuan.organizations.models import Agency, Department

    document = OfficialDocument(
        kind=DocumentKind.FILE, issuer=order.agency.name, number=order.document_number, title=title_of(order),
    )
    document.recipients(order.enterprise.name)
    facility = order.facility
    document.paragraph(_("Your %(facility)s (%(type)s) is a key environmental facility. %(finding)s") % {
        "facility": facility.name, "type": facility.get_facility_type_display(), "finding": _finding(order),
    })
    document.paragraph(order.reason)
    document.paragraph(_(
        "You are hereby ordered to stop using the facility at once and to rectify it until it meets the applicable "
        "safety standards. The facility may return to use only after a new safety assessment has passed and this "
        "order has been lifted."
    ))
    if order.status == order.Status.LIFTED and order.lifted_on:
        document.paragraph(_("This order was lifted on %(date)s.") % {"date": chinese_date(order.lifted_on)})
    document.signature(order.agency.name, order.issued_on)
    copy_to = Agency.objects.filter(department=Department.ENVIRONMENT, region_id=order.region_id).values_list(
        "name", flat=True)
    document.imprint(list(copy_to), _("%(agency)s office") % {"agency": order.agency.name}, order.issued_on)
    return document
