"""Objects the permission-matrix rows of the projects app point at."""

from django.core.files.base import ContentFile

from accounts.models import Role
from projects.models import Attachment
from tests.factories import CallFactory, ProjectFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def projects_matrix_context(users) -> dict:
    """An open and a draft call of the matrix's funder; a draft project of the matrix's holder
    with one attachment."""
    funder_organisation = users["funder"].memberships.get(role=Role.FUNDER).organisation
    holder = users["holder"]
    call = CallFactory(funder=funder_organisation)
    project = ProjectFactory(
        call=call, owner=holder, organisation=holder.memberships.get().organisation
    )
    attachment = Attachment(project=project, original_name="budget.pdf", size=len(PDF_BYTES))
    attachment.file.save("budget.pdf", ContentFile(PDF_BYTES), save=True)
    return {
        "call": call,
        "draft_call": CallFactory(funder=funder_organisation, draft=True),
        "project": project,
        "attachment": attachment,
    }
