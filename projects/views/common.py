"""What the projects app's views share."""

from django.http import Http404

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
