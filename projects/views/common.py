"""What the projects app's views share."""

from django.http import Http404

from accounts.permissions import require
from projects.models import Project
from projects.selectors.submissions import project_detail


def project_or_404(request, pk, perm: str) -> Project:
    """The project as its pages read it, once `perm` allows it."""
    try:
        project = project_detail(pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None
    require(request, perm, project)
    return project
