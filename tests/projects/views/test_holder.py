"""Holders' pages: their projects, self-assessment, attachments and the feedback once decided."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse

from accounts.models import Role
from grid.models import Criterion
from projects import services
from projects.models import Attachment, CallStatus, Decision, Project, ProjectStatus
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
    holder_user,
    user_with_role,
)
from tests.projects.helpers import criteria_of, decide_and_publish, upload
from tests.projects.matrix import PDF_BYTES
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def test_holder_journey_draft_self_assessment_submit(client):
    call = CallFactory(eligibility=["Structure de l'ESS"])
    holder = holder_user()
    client.force_login(holder)

    response = client.post(
        reverse("projects:project_create", kwargs={"call_pk": call.pk}), {"title": "Tiers-lieu"}
    )
    project = Project.objects.get(title="Tiers-lieu")
    assert response.status_code == 302
    edit = client.post(
        reverse("projects:project_edit", kwargs={"pk": project.pk}),
        {
            "title": "Tiers-lieu",
            "summary": "Résumé",
            "social_need": "Besoin",
            "solution": "Solution",
            "beneficiaries": "Jeunes",
            "stage": "emergence",
            "budget": "40000",
            "amount_requested": "15000",
            "commune": "80000",
            "scope_level": "commune",
            "eligibility": [call.eligibility_items.get().pk],
        },
    )
    assert edit.status_code == 302, edit.context["form"].errors
    criteria = Criterion.objects.filter(version=call.grid_version)
    data = {f"score_{c.pk}": "2" for c in criteria}
    data["row_version"] = "0"
    data[f"score_{criteria[0].pk}"] = "na"
    data[f"comment_{criteria[0].pk}"] = "Pas concerné"
    saved = client.post(reverse("projects:self_assessment_edit", kwargs={"pk": project.pk}), data)
    assert saved.status_code == 302

    submitted = client.post(reverse("projects:project_submit", kwargs={"pk": project.pk}))
    detail = client.get(reverse("projects:project_detail", kwargs={"pk": project.pk}))

    project.refresh_from_db()
    assert submitted.status_code == 302
    assert project.status == ProjectStatus.SUBMITTED
    assert project.commune_id == "80021" and project.departement_id == "80"
    content = detail.content.decode()
    assert "66,67 / 100" in content  # every scored criterion at 2 of 3
    assert "19/20" in content
    assert content.count('class="score-bar"') == 20


def test_submit_page_explains_each_problem(client):
    project = ProjectFactory()
    client.force_login(project.owner)

    response = client.post(reverse("projects:project_submit", kwargs={"pk": project.pk}))

    assert response.status_code == 200
    assert "Il manque" in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.DRAFT


def test_colleague_without_invitation_sees_but_cannot_edit(client):
    project = ProjectFactory()
    colleague = holder_user(project.organisation)
    client.force_login(colleague)
    edit_url = reverse("projects:project_edit", kwargs={"pk": project.pk})

    assert (
        client.get(reverse("projects:project_detail", kwargs={"pk": project.pk})).status_code == 200
    )
    assert client.get(edit_url).status_code == 403
    project.co_holders.add(colleague)
    assert client.get(edit_url).status_code == 200


def test_holder_of_two_organisations_chooses_the_one_carrying_the_project(client):
    holder = holder_user()
    second = holder_user().memberships.get().organisation
    MembershipFactory(user=holder, organisation=second, role=Role.HOLDER)
    call = CallFactory()
    client.force_login(holder)
    url = reverse("projects:project_create", kwargs={"call_pk": call.pk})

    assert "organisation" in client.get(url).context["form"].fields
    client.post(url, {"title": "Projet partagé", "organisation": second.pk})

    assert Project.objects.get(title="Projet partagé").organisation == second


def test_self_assessment_form_shows_saved_answers(client):
    project = ProjectFactory()
    criteria = list(Criterion.objects.filter(version=project.call.grid_version))
    client.force_login(project.owner)
    url = reverse("projects:self_assessment_edit", kwargs={"pk": project.pk})
    client.post(
        url,
        {"row_version": "0", f"score_{criteria[0].pk}": "3", f"score_{criteria[1].pk}": "na"},
    )

    form = client.get(url).context["form"]

    assert form[f"score_{criteria[0].pk}"].value() == "3"
    assert form[f"score_{criteria[1].pk}"].value() == "na"
    assert form[f"score_{criteria[2].pk}"].value() is None
    assert project.assessments.get().scores.count() == 2


@pytest.mark.parametrize("name", ["project_edit", "attachment_upload", "self_assessment_edit"])
def test_submitted_project_forms_redirect_with_an_explanation(client, name):
    project = ProjectFactory(submitted=True)
    client.force_login(project.owner)

    response = client.get(reverse(f"projects:{name}", kwargs={"pk": project.pk}), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "projects:project_detail", kwargs={"pk": project.pk}
    )
    assert "ne peut plus être modifié" in response.content.decode()


def test_live_total_uses_the_scoring_function_and_saves_nothing(client):
    project = ProjectFactory()
    core = list(Criterion.objects.filter(version=project.call.grid_version, kind="core"))
    client.force_login(project.owner)

    response = client.post(
        reverse("projects:self_assessment_total", kwargs={"pk": project.pk}),
        {f"score_{core[0].pk}": "3", f"score_{core[1].pk}": "0", f"score_{core[2].pk}": "na"},
    )

    content = response.content.decode()
    assert "50,00 / 100" in content  # weights equal: (1 + 0) / 2
    assert "2/20 critères, 2/8 socles" in content
    assert not project.assessments.exists()


def test_reviewer_cannot_read_the_holder_project_page(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)

    response = client.get(reverse("projects:project_detail", kwargs={"pk": assignment.project.pk}))

    assert response.status_code == 403


# --- Attachments ----------------------------------------------------------------------------


def test_upload_through_the_page_rejects_an_executable_renamed_pdf(client):
    project = ProjectFactory()
    client.force_login(project.owner)

    response = client.post(
        reverse("projects:attachment_upload", kwargs={"pk": project.pk}),
        {"file": upload("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100)},
    )

    assert response.status_code == 200
    assert "seuls les PDF sont acceptés" in response.content.decode()
    assert not Attachment.objects.exists()


def test_holder_downloads_as_an_attachment(client):
    project = ProjectFactory()
    attachment = services.attachment_add(
        project=project, uploaded_file=upload("budget.pdf", PDF_BYTES), by=project.owner
    )
    client.force_login(project.owner)

    response = client.get(reverse("projects:attachment_download", kwargs={"pk": attachment.pk}))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_another_holder_can_neither_see_nor_download(client):
    project = ProjectFactory(submitted=True)
    attachment = services.attachment_add(
        project=ProjectFactory(owner=project.owner, organisation=project.organisation),
        uploaded_file=upload("budget.pdf", PDF_BYTES),
        by=project.owner,
    )
    client.force_login(holder_user())

    assert (
        client.get(reverse("projects:project_detail", kwargs={"pk": project.pk})).status_code == 403
    )
    download = reverse("projects:attachment_download", kwargs={"pk": attachment.pk})
    assert client.get(download).status_code == 403


def test_funder_of_another_call_cannot_download(client):
    project = ProjectFactory(submitted=True)
    attachment = Attachment.objects.create(
        project=project, file="projects/x.pdf", original_name="x.pdf", size=10
    )
    client.force_login(user_with_role("funder"))

    response = client.get(reverse("projects:attachment_download", kwargs={"pk": attachment.pk}))

    assert response.status_code == 403


def test_funder_of_the_call_downloads_once_submitted(client):
    project = ProjectFactory()
    attachment = services.attachment_add(
        project=project, uploaded_file=upload("budget.pdf", PDF_BYTES), by=project.owner
    )
    funder = user_with_role("funder", organisation=project.call.funder)
    client.force_login(funder)
    url = reverse("projects:attachment_download", kwargs={"pk": attachment.pk})

    assert client.get(url).status_code == 403  # still a draft
    project.status, project.submitted_at = "submitted", project.created_at
    project.save()
    assert client.get(url).status_code == 200


def test_path_sent_by_the_browser_never_reaches_the_file_system(client, settings):
    project = ProjectFactory()
    client.force_login(project.owner)
    boundary = "XyZ"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="../../../../tmp/evil.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF_BYTES
        + f"\r\n--{boundary}--\r\n".encode()
    )

    client.post(
        reverse("projects:attachment_upload", kwargs={"pk": project.pk}),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    attachment = Attachment.objects.get()
    assert attachment.original_name == "evil.pdf"
    stored = (settings.MEDIA_ROOT / attachment.file.name).resolve()
    assert stored.is_relative_to(settings.MEDIA_ROOT.resolve())


# --- Feedback once decided ------------------------------------------------------------------


def test_holder_reads_reviewer_means_and_gaps_beside_their_self_assessment(client):
    assignment = AssignmentFactory(project__call__feedback_policy="full", done=True)
    project = assignment.project
    criteria = criteria_of(project.call)
    first, second = criteria[0], criteria[1]
    # The holder gave the top level to the first criterion and the minimum to the second
    # before submitting (built by the factory: the project is already submitted).
    AssessmentFactory(
        project=project,
        self_assessment=True,
        submitted=True,
        scores={first.code: first.scale_max, second.code: second.scale_min},
    )
    AssessmentFactory(assignment=assignment, submitted=True, scores=2)
    funder = user_with_role(Role.FUNDER, project.call.funder)
    decide_and_publish(project, "selected", amount=Decimal("10000"), by=funder)
    project.call.status = CallStatus.DECIDED
    project.call.save()
    client.force_login(project.owner)

    response = client.get(reverse("projects:project_detail", kwargs={"pk": project.pk}))

    rows = {row.code: reviewers for row, reviewers in response.context["chart"]}
    reviewers_percent = Fraction(200, 3)  # 2 on a 0–3 scale, exact
    assert rows[first.code].mean_percent == reviewers_percent
    assert rows[first.code].gap == 100 - reviewers_percent
    assert rows[second.code].gap == 0 - reviewers_percent
    content = response.content.decode()
    assert "+33,3" in content and "−66,7" in content


def test_feedback_policy_decision_only_shows_no_comment(client):
    assignment = AssignmentFactory(project__call__feedback_policy="decision", done=True)
    project = assignment.project
    AssessmentFactory(
        assignment=assignment, submitted=True, scores=3, strengths="COMMENTAIRE-CACHE"
    )
    decide_and_publish(
        project, "rejected", amount=Decimal("5"), motivation="", by=assignment.reviewer
    )
    project.call.status = CallStatus.DECIDED
    project.call.save()
    client.force_login(project.owner)

    content = client.get(
        reverse("projects:project_detail", kwargs={"pk": project.pk})
    ).content.decode()

    assert 'id="decision"' in content
    assert "COMMENTAIRE-CACHE" not in content
    assert Decision.objects.get().amount_granted is None


# --- Query counts ---------------------------------------------------------------------------


def test_holder_project_list_queries_do_not_grow(client):
    holder = holder_user()
    organisation = holder.memberships.get().organisation
    client.force_login(holder)
    url = reverse("projects:project_list")
    ProjectFactory(owner=holder, organisation=organisation, complete=True)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for _ in range(3):
        ProjectFactory(owner=holder, organisation=organisation, complete=True)

    with count_queries(small.count):
        assert client.get(url).status_code == 200


def test_two_co_holders_first_saves_cannot_both_succeed(client):
    """Both loaded the empty form (row version 0) and save: the second is told it conflicts,
    sees the saved answers, and nothing is lost silently."""
    project = ProjectFactory()
    co_holder = UserFactory()
    MembershipFactory(user=co_holder, organisation=project.organisation, role=Role.HOLDER)
    project.co_holders.add(co_holder)
    first = Criterion.objects.filter(version=project.call.grid_version).first()
    url = reverse("projects:self_assessment_edit", kwargs={"pk": project.pk})
    client.force_login(project.owner)
    owner_save = client.post(url, {"row_version": "0", f"score_{first.pk}": "3"})
    client.force_login(co_holder)

    co_holder_save = client.post(url, {"row_version": "0", f"score_{first.pk}": "1"})

    assert owner_save.status_code == 302
    assert co_holder_save.status_code == 200
    assert "Quelqu&#x27;un a enregistré cette évaluation entre-temps" in (
        co_holder_save.content.decode()
    )
    assessment = project.assessments.self_assessments().get()
    assert [score.value for score in assessment.scores.all()] == [3]
    # The form now carries the saved version: sending it again is a deliberate replacement.
    assert co_holder_save.context["form"].data["row_version"] == assessment.row_version
    assert client.post(url, co_holder_save.context["form"].data).status_code == 302
    assert [score.value for score in assessment.scores.all()] == [1]


@pytest.mark.parametrize("row_version", [None, "", "x", "-5", str(2**63)])
def test_a_self_assessment_post_without_a_valid_row_version_saves_nothing(client, row_version):
    project = ProjectFactory()
    first = Criterion.objects.filter(version=project.call.grid_version).first()
    client.force_login(project.owner)
    data = {f"score_{first.pk}": "3"}
    if row_version is not None:
        data["row_version"] = row_version

    response = client.post(
        reverse("projects:self_assessment_edit", kwargs={"pk": project.pk}), data
    )

    assert response.status_code == 200
    assert not project.assessments.exists()
