"""Objects the permission-matrix rows of the projects app point at."""

from django.core.files.base import ContentFile

from accounts.models import Role
from projects.models import Attachment, ReviewerInvitation
from projects.services import invitation_token
from tests.factories import AssignmentFactory, CallFactory, ProjectFactory

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
    # A call in review: the matrix's reviewer is assigned one of its projects.
    review_call = CallFactory(funder=funder_organisation, review=True)
    review_project = ProjectFactory(
        call=review_call,
        owner=holder,
        organisation=holder.memberships.get().organisation,
        under_review=True,
    )
    review_call.reviewers.add(users["reviewer"])
    assignment = AssignmentFactory(project=review_project, reviewer=users["reviewer"])
    review_attachment = Attachment(
        project=review_project, original_name="annexe.pdf", size=len(PDF_BYTES)
    )
    review_attachment.file.save("annexe.pdf", ContentFile(PDF_BYTES), save=True)
    invitation = ReviewerInvitation.objects.create(call=review_call, email="expert@example.fr")
    return {
        "review_call": review_call,
        "review_project": review_project,
        "assignment": assignment,
        "review_attachment": review_attachment,
        "invitation_token": invitation_token(invitation),
        "call": call,
        "draft_call": CallFactory(funder=funder_organisation, draft=True),
        "project": project,
        "attachment": attachment,
    }
