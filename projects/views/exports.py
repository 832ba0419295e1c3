"""Downloads: the call's spreadsheets, its open-data files and the PDFs. Each asks the
predicate of the page it mirrors, before any work."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.permissions import require
from projects.exports import spreadsheet, tables
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
