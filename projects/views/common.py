"""What the projects app's views share."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy

from accounts.permissions import require
from projects.models import Project
from projects.selectors.submissions import project_detail


def project_or_404(request, pk, perm: str, *, read=project_detail) -> Project:
    """The project as `read` fetches it for the page (the holders' and managers' full
    `project_detail` by default), once `perm` allows it."""
    try:
        project = read(pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None
    require(request, perm, project)
    return project


RANKINGS = {
    "raw": gettext_lazy("brut (moyenne des notes)"),
    "corrected": gettext_lazy("corrigé des décalages des évaluateurs"),
}


def ranking_in_view(request, call_id: int, switch: str = "") -> str:
    """The ranking the viewer has in view on the call's dashboard: raw unless they switched
    to the corrected one there (`switch`), remembered in their session so that the decision
    page can say which one they were reading."""
    key = f"ranking:{call_id}"
    if switch in RANKINGS:
        if request.session.get(key, "raw") != switch:
            request.session[key] = switch
        return switch
    found = request.session.get(key, "raw")
    return found if found in RANKINGS else "raw"


def pdf_download(source, filename: str) -> FileResponse:
    """An attachment sent as a PDF download, never sniffed as anything else by the browser."""
    response = FileResponse(
        source, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
