"""The assessment forms as a person uses them (issue 21): the error summary at the top, the
links to each criterion, each criterion's description and own justification rule, and the
draft saved as one types (the autosave endpoints and their optimistic locking)."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Role
from grid.models import Criterion
from projects.forms import ReviewForm
from projects.models import Assessment
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    ProjectFactory,
    reviewer_user,
    user_with_role,
)
from tests.projects.helpers import criteria_of

pytestmark = pytest.mark.django_db


def review_url(name, project):
    return reverse(f"projects:{name}", kwargs={"pk": project.pk})


def low_score_without_justification(criterion, **extra):
    return {
        "row_version": "0",
        f"score_{criterion.pk}": str(criterion.scale_min),
        f"comment_{criterion.pk}": "",
        **extra,
    }


# --- Error summary, links, criterion text --------------------------------------------------


def test_refused_submission_lists_each_error_at_the_top_linking_to_its_field(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)
    first = criteria_of(assignment.project.call)[0]

    response = client.post(
        review_url("review_edit", assignment.project),
        low_score_without_justification(first, action="submit", recommended_amount="abc"),
    )

    content = response.content.decode()
    assert response.status_code == 200
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', content, re.S)
    assert summary is not None
    assert "autofocus" in summary.group(0)
    assert "Il y a 2 problèmes à corriger" in summary.group(0)
    links = re.findall(r'<a href="#([^"]+)"', summary.group(0))
    assert links == [f"id_comment_{first.pk}", "id_recommended_amount"]
    assert f'id="id_comment_{first.pk}"' in content
    # The summary comes before the form; nothing was saved.
    assert content.index("error-summary") < content.index('<form method="post" novalidate')
    assert not Assessment.objects.exists()


def test_page_without_errors_has_no_error_summary(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)

    content = client.get(review_url("review_edit", assignment.project)).content.decode()

    assert "error-summary" not in content.replace('href="#error-summary"', "")
    assert 'id="error-summary"' not in content


def test_summary_links_to_every_criterion_and_marks_the_answered_ones(client):
    assignment = AssignmentFactory()
    criteria = criteria_of(assignment.project.call)
    client.force_login(assignment.reviewer)
    client.post(
        review_url("review_autosave", assignment.project),
        {"row_version": "0", f"score_{criteria[0].pk}": str(criteria[0].scale_max)},
    )

    content = client.get(review_url("review_edit", assignment.project)).content.decode()

    anchors = re.findall(r'data-criterion-link="(critere-\d+)"', content)
    assert sorted(anchors) == sorted(f"critere-{c.pk}" for c in criteria)
    for anchor in anchors:
        assert f'id="{anchor}"' in content
    assert content.count("is-answered") == 1
    assert "Brouillon enregistré le" in content


def test_each_criterion_shows_its_description_question_and_own_justification_rule(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)
    criteria = criteria_of(assignment.project.call)

    content = client.get(review_url("review_edit", assignment.project)).content.decode()

    for criterion in criteria:
        assert criterion.description and escape(criterion.description) in content
    # The old sentence, once under each of the 20 justifications, is gone.
    assert "au minimum de l'échelle ou sous le seuil" not in content
    assert content.count("Obligatoire pour la note 0.") == 20
    # Screen readers hear the description and question with each level.
    assert f'aria-describedby="id_score_{criteria[0].pk}_description' in content


@pytest.mark.parametrize(
    ("scale_min", "threshold", "hint"),
    [
        (0, None, "Obligatoire pour la note 0."),
        (1, 2, "Obligatoire pour la note 1."),  # under 2 on a 1-based scale: 1 only
        (0, 2, "Obligatoire pour une note inférieure à 2."),
    ],
)
def test_justification_hint_states_the_criterions_own_rule(scale_min, threshold, hint):
    criterion = Criterion(code="S9", scale_min=scale_min, scale_max=4, threshold=threshold)

    assert ReviewForm(criteria=[]).comment_hint(criterion) == hint


def test_self_assessment_form_has_the_same_summary_and_no_reviewer_rule(client):
    project = ProjectFactory()
    client.force_login(project.owner)

    content = client.get(review_url("self_assessment_edit", project)).content.decode()

    assert content.count("data-criterion-link=") == 20
    assert "Obligatoire pour" not in content
    assert review_url("self_assessment_autosave", project) in content


# --- The reviewer's autosave -----------------------------------------------------------------


def test_autosave_keeps_a_low_score_whose_justification_is_not_written_yet(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)
    first = criteria_of(assignment.project.call)[0]

    response = client.post(
        review_url("review_autosave", assignment.project),
        low_score_without_justification(first, strengths="Une équipe rare"),
    )

    body = response.json()
    review = Assessment.objects.get()
    assert response.status_code == 200
    assert body["saved"] is True
    assert body["row_version"] == review.row_version
    assert body["message"].startswith("Brouillon enregistré à ")
    assert (review.status, review.strengths) == ("draft", "Une équipe rare")
    assert [(s.criterion_id, s.value) for s in review.scores.all()] == [(first.pk, first.scale_min)]
    # Restored on return, the time of the save shown.
    page = client.get(review_url("review_edit", assignment.project))
    assert page.context["form"][f"score_{first.pk}"].value() == str(first.scale_min)
    assert "Brouillon enregistré le" in page.content.decode()


def test_autosave_chain_carries_the_row_version_and_refuses_a_stale_one(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)
    first, second = criteria_of(assignment.project.call)[:2]
    url = review_url("review_autosave", assignment.project)

    version = client.post(url, {"row_version": "0", f"score_{first.pk}": "1"}).json()["row_version"]
    again = client.post(
        url, {"row_version": version, f"score_{first.pk}": "1", f"score_{second.pk}": "2"}
    )
    stale = client.post(url, {"row_version": version, f"score_{first.pk}": "3"})

    assert again.status_code == 200
    assert stale.status_code == 409
    assert "rien n'a été écrasé" in stale.json()["message"]
    assert stale.json()["saved"] is False
    review = Assessment.objects.get()
    assert sorted(s.value for s in review.scores.all()) == [1, 2]


def test_autosave_refuses_invalid_input_with_a_french_message_and_saves_nothing(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)

    response = client.post(
        review_url("review_autosave", assignment.project),
        {"row_version": "0", "recommended_amount": "beaucoup"},
    )

    assert response.status_code == 400
    assert response.json() == {"saved": False, "message": "Saisissez un nombre."}
    assert not Assessment.objects.exists()


def test_autosave_never_changes_a_submitted_review(client):
    assignment = AssignmentFactory()
    review = AssessmentFactory(assignment=assignment, submitted=True)
    client.force_login(assignment.reviewer)

    response = client.post(
        review_url("review_autosave", assignment.project),
        {"row_version": review.row_version, "strengths": "Changé en douce"},
    )

    assert response.status_code == 409
    review.refresh_from_db()
    assert review.strengths != "Changé en douce"
    page = client.get(review_url("review_edit", assignment.project)).content.decode()
    assert "data-autosave-url" not in page


@pytest.mark.parametrize("who", ["other_reviewer", "holder", "funder", "admin"])
def test_autosave_of_a_review_is_the_assigned_reviewers_only(client, who):
    assignment = AssignmentFactory()
    project = assignment.project
    users = {
        "other_reviewer": lambda: reviewer_user(),
        "holder": lambda: project.owner,
        "funder": lambda: user_with_role(Role.FUNDER, project.call.funder),
        "admin": lambda: user_with_role(None),
    }
    client.force_login(users[who]())

    response = client.post(review_url("review_autosave", project), {"row_version": "0"})

    assert response.status_code in (403, 404)
    assert not Assessment.objects.exists()


def test_autosave_of_a_review_sends_anonymous_visitors_to_login_and_refuses_get(client):
    assignment = AssignmentFactory()
    url = review_url("review_autosave", assignment.project)

    anonymous = client.post(url, {"row_version": "0"})
    client.force_login(assignment.reviewer)
    get = client.get(url)

    assert anonymous.status_code == 302 and "/comptes/connexion/" in anonymous["Location"]
    assert get.status_code == 405
    assert not Assessment.objects.exists()


# --- The holder's autosave -------------------------------------------------------------------


def test_self_assessment_autosave_saves_and_carries_the_row_version(client):
    project = ProjectFactory()
    first, second = list(Criterion.objects.filter(version=project.call.grid_version))[:2]
    client.force_login(project.owner)
    url = review_url("self_assessment_autosave", project)

    first_save = client.post(url, {"row_version": "0", f"score_{first.pk}": "3"})
    second_save = client.post(
        url,
        {
            "row_version": first_save.json()["row_version"],
            f"score_{first.pk}": "3",
            f"score_{second.pk}": "na",
            f"comment_{second.pk}": "Pas de public jeune",
        },
    )
    stale = client.post(url, {"row_version": "0", f"score_{first.pk}": "0"})

    assert (first_save.status_code, second_save.status_code, stale.status_code) == (200, 200, 409)
    assessment = project.assessments.get()
    assert assessment.row_version == second_save.json()["row_version"]
    assert sorted((s.criterion_id, s.value, s.comment) for s in assessment.scores.all()) == [
        (first.pk, 3, ""),
        (second.pk, None, "Pas de public jeune"),
    ]


def test_self_assessment_autosave_refuses_a_submitted_project(client):
    project = ProjectFactory(submitted=True)
    client.force_login(project.owner)

    response = client.post(review_url("self_assessment_autosave", project), {"row_version": "0"})

    assert response.status_code == 409
    assert not project.assessments.exists()


@pytest.mark.parametrize("who", ["other_holder", "reviewer", "funder", "admin"])
def test_self_assessment_autosave_is_the_holders_only(client, who):
    project = ProjectFactory()
    users = {
        "other_holder": lambda: user_with_role(Role.HOLDER),
        "reviewer": lambda: reviewer_user(),
        "funder": lambda: user_with_role(Role.FUNDER, project.call.funder),
        "admin": lambda: user_with_role(None),
    }
    client.force_login(users[who]())

    response = client.post(review_url("self_assessment_autosave", project), {"row_version": "0"})

    assert response.status_code in (403, 404)
    assert not project.assessments.exists()
