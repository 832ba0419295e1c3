"""What the projects app's views share."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

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


def draft_saved(assessment) -> JsonResponse:
    """The answer to a draft saved as the person types: the row version the next save must
    carry (optimistic locking) and when it was saved, to show beside the form."""
    saved_at = timezone.localtime(assessment.updated_at)
    return JsonResponse(
        {
            "saved": True,
            "row_version": assessment.row_version,
            "message": gettext("Brouillon enregistré à %(time)s")
            % {"time": date_format(saved_at, "H:i")},
        }
    )


def draft_refused(reason, *, status: int = 400) -> JsonResponse:
    """A draft not saved, with why in French; the form keeps what was typed. 409 when the
    saved version changed or the form no longer saves drafts; 400 for input to fix."""
    if isinstance(reason, ValidationError):
        reason = " ".join(reason.messages)
    elif hasattr(reason, "errors"):  # a form: its first messages, field by field
        reason = " ".join(
            str(message) for messages in reason.errors.values() for message in messages
        )
    return JsonResponse({"saved": False, "message": str(reason)}, status=status)
