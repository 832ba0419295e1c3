"""Downloads: the call's spreadsheets, its open-data files and the PDFs. Each asks the
predicate of the page it mirrors, before any work."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.permissions import require
from projects.exports import dispositif, scdl, spreadsheet, tables
from projects.models import Call
from projects.views.dashboards import ranking_query

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
