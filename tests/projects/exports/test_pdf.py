"""The project file and the committee booklet as PDFs: rendered by WeasyPrint, their text
read back with pypdf, holding what each viewer may read and nothing else."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # One line per line of the page, spaces evened out (WeasyPrint justifies nothing).
    return "\n".join(" ".join(page.extract_text().split()) for page in reader.pages)


def project_pdf(client, project):
    return client.get(reverse("projects:project_pdf", args=[project.pk]))


def test_the_funders_project_file_has_everything_with_reviewers_names(example, client):
    a = example["a"]
    client.force_login(example["funder"])

    response = project_pdf(client, a)

    text = pdf_text(response)
    assert response["Content-Disposition"] == f'attachment; filename="projet-{a.pk}.pdf"'
    assert a.organisation.name in text
    assert "Auto-évaluation" in text and "87,50" in text
    for name in ("R1", "R2", "R3"):
        assert name in text
    assert "R5" not in text  # in conflict: their review does not count
    assert "Retenu" in text
    assert "Page 1 sur" in text


def test_the_holders_project_file_has_the_decision_but_no_reviewer_names(example, client):
    a = example["a"]
    client.force_login(a.owner)

    text = pdf_text(project_pdf(client, a))

    assert a.title in text and "Retenu" in text
    assert "R1" not in text and "R2" not in text


def test_a_reviewer_reads_their_own_review_and_in_blind_mode_no_holder(example, client):
    a = example["a"]
    a.organisation.name = "Jardins Secrets"
    a.organisation.save()
    reviewer = example["reviewers"][0]
    client.force_login(reviewer)

    seen = pdf_text(project_pdf(client, a))
    a.call.blind_mode = True
    a.call.save()
    blind = pdf_text(project_pdf(client, a))

    assert "Jardins Secrets" in seen and "Votre évaluation" in seen
    assert "Jardins Secrets" not in blind
    assert "Porteur masqué" in blind
    assert "Retenu" not in blind  # decisions are for managers and holders
    assert "Auto-évaluation" not in blind


def test_the_project_file_is_denied_to_an_unassigned_reviewer_and_another_funder(example, client):
    stranger = UserFactory()
    client.force_login(stranger)
    assert project_pdf(client, example["a"]).status_code == 403
    conflicted = AssignmentFactory(project=example["b"], conflict=True).reviewer
    client.force_login(conflicted)
    assert project_pdf(client, example["b"]).status_code == 403


def test_the_committee_booklet_has_a_summary_and_one_page_per_project(example, client):
    client.force_login(example["funder"])

    response = client.get(reverse("projects:call_booklet_pdf", args=[example["call"].pk]))

    text = pdf_text(response)
    reader = PdfReader(io.BytesIO(response.content))
    assert "Tableau récapitulatif" in text
    assert "61,11" in text and "58,33" in text  # the dashboard's means
    assert len(reader.pages) >= 3  # the summary, then A and B on pages of their own
    assert "1. A" in reader.pages[1].extract_text()
    client.force_login(example["reviewers"][0])
    assert (
        client.get(reverse("projects:call_booklet_pdf", args=[example["call"].pk])).status_code
        == 403
    )
