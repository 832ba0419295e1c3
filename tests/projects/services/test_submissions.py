"""Projects: creation, editing, submission, withdrawal and co-holders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from grid.models import Criterion
from projects import services
from projects.models import (
    Assessment,
    AssessmentStatus,
    Project,
    ProjectStatus,
    SelfAssessmentPolicy,
)
from projects.services import submissions
from territories.models import Commune, Departement, Region
from tests.factories import CallFactory, ProjectFactory, holder_user, user_with_role
from tests.projects.helpers import current_row_version, messages_of

pytestmark = pytest.mark.django_db


def test_complete_project_is_submitted_with_its_date():
    project = ProjectFactory(complete=True)

    services.project_submit(project=project, by=project.owner)

    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert project.submitted_at is not None


def test_incomplete_project_is_refused_with_every_missing_field_named():
    project = ProjectFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.project_submit(project=project, by=project.owner)

    text = messages_of(excinfo)
    assert "le résumé" in text and "la commune" in text and "le montant demandé" in text
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.DRAFT


def test_submission_after_closing_time_is_refused():
    call = CallFactory()
    project = ProjectFactory(call=call, complete=True)

    with pytest.raises(ValidationError, match="clos depuis"):
        services.project_submit(
            project=project, by=project.owner, now=call.closes_at + timedelta(seconds=1)
        )


def test_submission_before_opening_time_is_refused():
    call = CallFactory(opens_at=timezone.now() + timedelta(days=2))
    project = ProjectFactory(call=call, complete=True)

    with pytest.raises(ValidationError, match="n'ouvre que le"):
        services.project_submit(project=project, by=project.owner)


def test_submission_to_a_call_in_review_is_refused():
    call = CallFactory(review=True)
    project = ProjectFactory(call=call, complete=True)

    with pytest.raises(ValidationError, match="n'accepte pas de dépôt"):
        services.project_submit(project=project, by=project.owner)


def test_commune_outside_the_call_territory_is_refused():
    call = CallFactory()
    call.regions.set([Region.objects.get(code="32")])  # Hauts-de-France
    project = ProjectFactory(
        call=call, complete=True, commune=Commune.objects.get(code="33063")
    )  # Bordeaux

    with pytest.raises(ValidationError, match="hors du territoire"):
        services.project_submit(project=project, by=project.owner)


def test_commune_inside_a_departement_scope_is_accepted():
    call = CallFactory()
    call.departements.set([Departement.objects.get(code="80")])
    project = ProjectFactory(call=call, complete=True)  # Amiens, Somme

    services.project_submit(project=project, by=project.owner)

    assert Project.objects.get(pk=project.pk).status == ProjectStatus.SUBMITTED


def test_unticked_eligibility_items_are_named():
    call = CallFactory(eligibility=["Structure de l'ESS", "Siège dans la région"])
    project = ProjectFactory(call=call, complete=True)
    project.eligibility_confirmed.set(call.eligibility_items.filter(position=0))

    with pytest.raises(ValidationError) as excinfo:
        services.project_submit(project=project, by=project.owner)

    assert "Siège dans la région" in messages_of(excinfo)
    assert "Structure de l'ESS" not in messages_of(excinfo)


def test_amount_above_the_call_maximum_is_refused_on_save():
    project = ProjectFactory(call=CallFactory(max_amount=Decimal("10000")))

    with pytest.raises(ValidationError, match="maximum"):
        services.project_update(project=project, by=project.owner, amount_requested=20000)


def test_required_self_assessment_must_be_complete_before_submission():
    call = CallFactory(self_assessment_policy=SelfAssessmentPolicy.REQUIRED)
    project = ProjectFactory(call=call, complete=True)

    with pytest.raises(ValidationError, match="obligatoire"):
        services.project_submit(project=project, by=project.owner)

    criteria = list(Criterion.objects.filter(version=call.grid_version))
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)
    services.assessment_save_scores(
        assessment=assessment,
        scores={c.pk: (2, "") for c in criteria[:5]},
        by=project.owner,
        row_version=current_row_version(assessment),
    )
    with pytest.raises(ValidationError, match="incomplète"):
        services.project_submit(project=project, by=project.owner)

    services.assessment_save_scores(
        assessment=assessment,
        scores={c.pk: (2, "") for c in criteria},
        by=project.owner,
        row_version=current_row_version(assessment),
    )
    services.project_submit(project=project, by=project.owner)
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED


def test_submission_is_atomic(monkeypatch):
    # Fault injection: the self-assessment step fails after the project row was written.
    call = CallFactory()
    project = ProjectFactory(call=call, complete=True)
    criteria = Criterion.objects.filter(version=call.grid_version)
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)
    services.assessment_save_scores(
        assessment=assessment,
        scores={c.pk: (1, "") for c in criteria},
        by=project.owner,
        row_version=current_row_version(assessment),
    )

    def broken(**kwargs):
        raise RuntimeError("panne au milieu du dépôt")

    monkeypatch.setattr(submissions, "assessment_submit", broken)

    with pytest.raises(RuntimeError):
        services.project_submit(project=project, by=project.owner)

    project.refresh_from_db()
    assert (project.status, project.submitted_at) == (ProjectStatus.DRAFT, None)
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.DRAFT


def test_submitted_project_can_be_withdrawn_but_not_edited():
    project = ProjectFactory(submitted=True)

    with pytest.raises(ValidationError, match="ne peut plus être modifié"):
        services.project_update(project=project, by=project.owner, title="Nouveau")
    services.project_withdraw(project=project, by=project.owner)

    assert Project.objects.get(pk=project.pk).status == ProjectStatus.WITHDRAWN


def test_draft_cannot_be_withdrawn():
    project = ProjectFactory()

    with pytest.raises(ValidationError, match="Seul un projet déposé"):
        services.project_withdraw(project=project, by=project.owner)


def test_co_holder_must_belong_to_the_same_organisation():
    project = ProjectFactory()
    colleague = holder_user(project.organisation)
    stranger = holder_user()

    services.project_add_co_holder(project=project, email=colleague.email, by=project.owner)
    with pytest.raises(ValidationError, match="Aucun porteur de votre structure"):
        services.project_add_co_holder(project=project, email=stranger.email, by=project.owner)

    assert list(project.co_holders.all()) == [colleague]


def test_project_cannot_be_created_on_a_closed_call():
    owner = holder_user()

    with pytest.raises(ValidationError, match="n'accepte pas"):
        services.project_create(
            call=CallFactory(review=True),
            organisation=owner.memberships.get().organisation,
            owner=owner,
            title="Trop tard",
        )


def test_only_a_holder_of_the_organisation_can_start_a_project():
    funder = user_with_role(Role.FUNDER)

    with pytest.raises(ValidationError, match="pas porteur"):
        services.project_create(
            call=CallFactory(),
            organisation=funder.memberships.get().organisation,
            owner=funder,
            title="Intrus",
        )
