"""One Word document per maintenance request: the request form, the decisions and the expert review.

The document uses the GB/T 9704 layout without a red head; its fixed wording is rendered in
Chinese under ``translation.override("zh-hans")``, as for the consultation minutes.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from anhuan.core.officialdoc import DocumentKind, OfficialDocument
from anhuan.core.timeutil import chinese_date, format_local
from anhuan.organizations.models import Department
from anhuan.pollution.models import WorkType
from anhuan.pollution.services import maintenance as services

DOCUMENT_LANGUAGE = "zh-hans"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_name(request):
    """Return the download name, e.g. 高风险检维修作业提级审批-信都化工有限公司-12.docx."""
    with translation.override(DOCUMENT_LANGUAGE):
        title = _("High-risk maintenance escalated approval")
    return f"{title}-{request.enterprise.name}-{request.pk}.docx"


def write_request_docx(request, stream):
    with translation.override(DOCUMENT_LANGUAGE):
        document = _build(request)
    document.save(stream)


def _work_types(request):
    return "、".join(str(WorkType(value).label) for value in request.work_types if value in WorkType.values)


def _build(request):
    document = OfficialDocument(
        kind=DocumentKind.PLAIN, title=_("Application form for escalated approval of high-risk maintenance work")
    )
    _write_form(document, request)
    _write_decisions(document, request)
    _write_review(document, request)
    document.paragraph(
        _("Status: %(status)s. Work may start only after approval.") % {"status": request.get_status_display()}
    )
    return document


def _write_form(document, request):
    document.heading1(_("The request"))
    rows = [
        [_("Enterprise"), request.enterprise.name],
        [_("Region"), request.region.name],
        [_("Work types"), _work_types(request)],
        [_("Unit or installation"), request.unit],
        [_("Location"), request.location],
        [_("Planned window"), "%s — %s" % (format_local(request.planned_start), format_local(request.planned_end))],
        [_("Work description"), request.description],
        [_("Risk analysis"), request.risk_analysis],
        [_("Safety measures"), request.safety_measures],
        [_("Emergency arrangements"), request.emergency_arrangements],
        [_("Submitted at"), format_local(request.submitted_at)],
        [_("Attachments"), "、".join(attachment.file_name for attachment in request.attachments.all())],
    ]
    document.table(rows, [_("Item"), _("Content")], widths=[4, 11])


def _write_decisions(document, request):
    document.heading1(_("Decisions of the local agencies"))
    decisions = {decision.department: decision for decision in request.decisions.select_related("agency", "decided_by")}
    for department in Department:
        decision = decisions.get(department.value)
        if decision is None:
            document.paragraph(
                _("The %(department)s department has not decided yet.") % {"department": department.label}
            )
            continue
        document.paragraph(
            _("%(agency)s (%(person)s, %(time)s): %(decision)s. Opinion: %(opinion)s")
            % {
                "agency": decision.agency.name,
                "person": decision.decided_by.display_name,
                "time": format_local(decision.decided_at),
                "decision": decision.get_decision_display(),
                "opinion": decision.opinion,
            }
        )
        if decision.outcome_at is not None:
            document.paragraph(
                _("Verification outcome (%(time)s): %(outcome)s. %(note)s")
                % {"time": format_local(decision.outcome_at), "outcome": decision.get_outcome_display(),
                   "note": decision.outcome_note}
            )


def _write_review(document, request):
    review = services.review_of(request)
    if review is None:
        return
    document.heading1(_("Expert review opinion"))
    if review.scheduled_at is not None:
        document.paragraph(_("The review was held at %(time)s.") % {"time": format_local(review.scheduled_at)})
    opinions = {opinion.expert_id: opinion for opinion in review.opinions.all()}
    rows = []
    for expert in review.experts.all():
        opinion = opinions.get(expert.pk)
        rows.append([
            expert.name,
            expert.title or expert.employer_name,
            opinion.get_recommendation_display() if opinion else "",
            opinion.opinion if opinion else "",
        ])
    document.table(rows, [_("Expert"), _("Title or employer"), _("Recommendation"), _("Opinion")], widths=[2, 3, 3, 7])
    if review.conclusion:
        document.heading2(_("Conclusion"))
        document.paragraph(
            _("%(conclusion)s: %(text)s") % {"conclusion": review.get_conclusion_display(), "text": review.conclusion_text}
        )
    confirmations = services.confirmations_of(review)
    for department in Department:
        entry = confirmations.get(department.value)
        if entry is None:
            document.paragraph(
                _("The city %(department)s agency has not confirmed the conclusion yet.") % {"department": department.label}
            )
        else:
            document.paragraph(
                _("%(agency)s: confirmed by %(leader)s on %(date)s.")
                % {"agency": entry.agency_name, "leader": entry.actor_name, "date": chinese_date(entry.created_at)}
            )
