"""The scoring and self-assessment forms show what each level means for each criterion."""

import pytest
from django.urls import reverse
from django.utils import translation

from grid.models import Criterion, ScaleLevel
from projects.forms.assessments import AssessmentForm
from tests.factories import AssignmentFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _descriptor(project, code, value, field="description"):
    return getattr(
        ScaleLevel.objects.get(
            criterion__version=project.call.grid_version, criterion__code=code, value=value
        ),
        field,
    )


def test_scoring_form_shows_each_level_descriptor_inside_its_radio_label(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)

    response = client.get(reverse("projects:review_edit", kwargs={"pk": assignment.project.pk}))

    page = response.content.decode()
    criterion = Criterion.objects.get(version=assignment.project.call.grid_version, code="S1")
    anchor = _descriptor(assignment.project, "S1", 3)
    assert (
        f'for="id_score_{criterion.pk}_3">3 — Fort, exemplaire'
        f'<small class="d-block text-body-secondary level-descriptor">{anchor}</small></label>'
    ) in page.replace("&#x27;", "'")
    assert page.count('class="d-block text-body-secondary level-descriptor"') == 80


def test_self_assessment_form_shows_the_descriptors(client):
    project = ProjectFactory()
    client.force_login(project.owner)

    response = client.get(reverse("projects:self_assessment_edit", kwargs={"pk": project.pk}))

    page = response.content.decode().replace("&#x27;", "'")
    assert _descriptor(project, "C11", 0) in page
    assert _descriptor(project, "S4", 2) in page


def test_descriptors_follow_the_language_and_are_escaped():
    project = ProjectFactory()
    version = project.call.grid_version
    criteria = Criterion.objects.filter(version=version).in_form_order().prefetch_related("levels")
    with translation.override("en"):
        english = str(AssessmentForm(criteria=criteria).rows())
    french = str(AssessmentForm(criteria=criteria).rows())

    assert _descriptor(project, "S8", 1, "description_en") in english
    assert _descriptor(project, "S8", 1, "description_en") not in french
    assert "Les bénéficiaires sont consultés à une seule étape" in french


def test_descriptor_text_is_escaped(client):
    assignment = AssignmentFactory()
    version = assignment.project.call.grid_version
    # A draft's wording in the database, written here directly: only for the escaping check.
    ScaleLevel.objects.filter(criterion__version=version, criterion__code="S1", value=0).update(
        description="<script>alert(1)</script>"
    )
    client.force_login(assignment.reviewer)

    page = client.get(
        reverse("projects:review_edit", kwargs={"pk": assignment.project.pk})
    ).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
