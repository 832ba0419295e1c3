"""Downloads: the call's spreadsheets, its open-data files and the PDFs. Each asks the
predicate of the page it mirrors, before any work."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.permissions import allowed, require
from projects.dashboards import project_feedback
from projects.exports import dispositif, scdl, spreadsheet, tables
from projects.exports.pdf import pdf_response, render_pdf
from projects.models import Assessment, AssessmentStatus, Call, Decision, Project, Score
from projects.selectors.committee import project_reviews
from projects.selectors.submissions import self_assessment_of
from projects.views.committee import committee_rows
from projects.views.ranking import ranking_query

EXPORT_KINDS = {"ranking": "classement", "scores": "notes", "projects": "projets"}
EXPORT_FORMATS = ("xlsx", "csv")


@login_required
def call_export(request, pk):
    """The call dashboard's ranking (with the page's filters and sort), every score of the
    counted reviews, or the projects, as XLSX or CSV: the call's managers only."""
    call = get_object_or_404(Call.objects.select_related("funder", "grid_version"), pk=pk)
    require(request, "projects.view_call_dashboard", call)
    kind = request.GET.get("kind", "ranking")
    file_format = request.GET.get("format", "xlsx")
    if kind not in EXPORT_KINDS or file_format not in EXPORT_FORMATS:
        raise Http404
    if kind == "ranking":
        table = tables.ranking_table(call=call, **ranking_query(request, call).selector_arguments())
    elif kind == "scores":
        table = tables.scores_table(call=call)
    else:
        table = tables.projects_table(call=call)
    filename = f"appel-{call.pk}-{EXPORT_KINDS[kind]}.{file_format}"
    if file_format == "csv":
        return spreadsheet.csv_response(table, filename)
    return spreadsheet.xlsx_response([table], filename)


def _managed_call(request, pk) -> Call:
    call = get_object_or_404(Call.objects.select_related("funder"), pk=pk)
    require(request, "projects.manage_call", call)
    return call


@login_required
def call_open_data(request, pk):
    """The call's open-data files: what they hold, and what is missing for them to be valid."""
    call = _managed_call(request, pk)
    found = scdl.scdl_file(call)
    return render(
        request,
        "projects/exports/call_open_data.html",
        {"call": call, "subsidies": len(found.rows), "problems": found.problems},
    )


@login_required
def export_scdl(request, pk):
    """The published subsidies of the call as an SCDL « subventions » 2.1.1 CSV; refused
    (409, with the list of what to complete) while the file would not validate."""
    call = _managed_call(request, pk)
    found = scdl.scdl_file(call)
    if found.problems:
        return render(
            request,
            "projects/exports/call_open_data.html",
            {"call": call, "subsidies": len(found.rows), "problems": found.problems},
            status=409,
        )
    response = StreamingHttpResponse(
        (line.encode() for line in scdl.scdl_lines(found.rows)), content_type=spreadsheet.CSV_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{scdl.scdl_filename(call)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def export_dispositif(request, pk):
    """The call as an Etalab « dispositif d'aide » CSV (one row)."""
    call = _managed_call(request, pk)
    response = HttpResponse(dispositif.dispositif_csv(call), content_type=spreadsheet.CSV_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{dispositif.dispositif_filename(call)}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- PDFs -----------------------------------------------------------------------------------


@login_required
def project_pdf(request, pk):
    """The project file as PDF, holding what the viewer may read on the pages: the call's
    managers everything (reviews with their authors); the holders their self-assessment,
    the published decision and the feedback the call's policy gives; an assigned reviewer
    their own review, and in blind mode no holder identity, file name included."""
    project = get_object_or_404(
        Project.objects.select_related(
            "call__funder", "call__grid_version", "organisation", "commune", "departement", "region"
        ),
        pk=pk,
    )
    sees_project = allowed(request, "projects.view_project", project)
    is_reviewer = allowed(request, "projects.view_review", project)
    if not (sees_project or is_reviewer):
        require(request, "projects.view_project", project)
    is_manager = sees_project and allowed(request, "projects.manage_call", project.call)
    is_holder = sees_project and not is_manager
    decision = (
        Decision.objects.filter(project=project).first()
        if allowed(request, "projects.view_decision", project)
        else None
    )
    self_assessment = None
    if is_manager or is_holder:
        self_assessment = self_assessment_of(project)
        if self_assessment and is_manager and self_assessment.status != AssessmentStatus.SUBMITTED:
            self_assessment = None  # a draft is the holder's own business
    reviews, feedback = [], []
    if is_manager:
        reviews = list(project_reviews(project=project))
    elif is_holder:
        if decision is not None:
            feedback = project_feedback(project=project)[0]
    else:
        reviews = list(
            Assessment.objects.reviews()
            .filter(project=project, author=request.user)
            .select_related("author")
        )
    content = render_pdf(
        "projects/exports/pdf_project.html",
        {
            "project": project,
            "hide_identity": (not sees_project) and project.call.blind_mode,
            "self_assessment": self_assessment,
            "self_scores": _scores(self_assessment) if self_assessment else [],
            "reviews": [(review, _scores(review)) for review in reviews],
            "show_reviewer_names": is_manager,
            "feedback": feedback,
            "decision": decision,
        },
        request,
    )
    return pdf_response(content, f"projet-{project.pk}.pdf")


def _scores(assessment) -> list:
    """The assessment's scores in the grid's order (one query)."""
    return list(
        Score.objects.filter(assessment=assessment)
        .select_related("criterion__axis")
        .order_by("criterion__axis__position", "criterion__position", "criterion__code")
    )


@login_required
def call_booklet_pdf(request, pk):
    """The committee booklet: the summary table of the committee page, then one page per
    project with its figures, the reviewers' opinions and comments, and the decision."""
    call = get_object_or_404(Call.objects.select_related("funder", "grid_version"), pk=pk)
    require(request, "projects.view_committee", call)
    rows, _page, envelope = committee_rows(call=call)
    projects = Project.objects.select_related("organisation", "commune", "departement").in_bulk(
        [row["ranking"].project_id for row in rows]
    )
    reviews: dict[int, list] = {}
    for review in (
        Assessment.objects.counted_reviews()
        .filter(project__call=call)
        .select_related("author")
        .order_by("project_id", "pk")
    ):
        reviews.setdefault(review.project_id, []).append(review)
    content = render_pdf(
        "projects/exports/pdf_booklet.html",
        {
            "call": call,
            "rows": rows,
            "envelope": envelope,
            "pages": [
                (
                    row,
                    projects[row["ranking"].project_id],
                    reviews.get(row["ranking"].project_id, []),
                )
                for row in rows
            ],
        },
        request,
    )
    return pdf_response(content, f"comite-appel-{call.pk}.pdf")
