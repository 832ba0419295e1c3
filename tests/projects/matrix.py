"""Objects the permission-matrix rows of the projects app point at."""

import io

from django.core.files.base import ContentFile
from pypdf import PdfWriter

from accounts.models import Role
from projects.models import Attachment, ReviewerInvitation
from projects.services import invitation_token
from tests.factories import AssignmentFactory, CallFactory, ProjectFactory


def pdf_bytes(author: str = "Les Jardins Solidaires d'Amiens") -> bytes:
    """A real one-page PDF whose metadata name its author, as office software writes them."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": author, "/Title": f"Budget de {author}"})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


PDF_BYTES = pdf_bytes()


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
