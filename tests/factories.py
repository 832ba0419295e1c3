from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import LegalForm, Membership, Organisation, Role, User
from grid.models import Criterion, GridVersion
from grid.services import grid_version_create_draft
from projects.models import EligibilityItem, Score
from projects.services import assessment_recompute
from territories.models import Commune

PASSWORD = "un-mot-de-passe-solide"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.fr")
    full_name = factory.Sequence(lambda n: f"Personne {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        administrator = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association n°{n}")
    legal_form = LegalForm.ASSOCIATION
    siret = ""
    commune = factory.LazyFunction(lambda: Commune.objects.get(code="80021"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.HOLDER


def user_with_role(role: str | None, organisation=None) -> User:
    """A user for a role name of the permission matrix; None is the platform administrator."""
    if role is None:
        return UserFactory(administrator=True)
    membership = MembershipFactory(
        role=role, **({"organisation": organisation} if organisation else {})
    )
    return membership.user


# Grids: built through the services, as the application builds them.


def reference_version():
    """Version 1 of the default grid, installed by migration grid/0003."""
    return GridVersion.objects.get(grid__is_default=True, number=1)


def draft_of_reference():
    """The draft of the default grid, copied from version 1 when there is none yet."""
    draft = GridVersion.objects.drafts().filter(grid__is_default=True).first()
    return draft or grid_version_create_draft(source=reference_version())


def grid_payload(criteria: int = 2, slug: str = "petite-grille") -> dict:
    """A small exchange file (the shape of grid/data/reference-grid.json): one axis, the
    first criterion core, the others complementary, scale 0–2."""
    return {
        "slug": slug,
        "name": {"fr": f"Grille {slug}"},
        "version_label": "Essai",
        "scale": {
            "min": 0,
            "max": 2,
            "levels": [
                {"value": 0, "fr": "Absent"},
                {"value": 1, "fr": "Partiel"},
                {"value": 2, "fr": "Fort"},
            ],
            "allows_not_applicable": False,
        },
        "default_weights": {"core": 2, "complementary": 1},
        "axes": [{"code": "A", "fr": "Besoin social"}],
        "criteria": [
            {
                "code": f"K{index}",
                "axis": "A",
                "kind": "core" if index == 1 else "complementary",
                "fr": f"Critère {index}",
            }
            for index in range(1, criteria + 1)
        ],
    }


# --- projects -------------------------------------------------------------------------------


def published_version():
    """The reference grid's version 1, installed and published by grid's migrations."""
    return GridVersion.objects.published().filter(grid__is_default=True).order_by("number").first()


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.Call"
        skip_postgeneration_save = True

    funder = factory.SubFactory(
        OrganisationFactory,
        name=factory.Sequence(lambda n: f"Financeur n°{n}"),
        legal_form=LegalForm.COLLECTIVITY,
    )
    title = factory.Sequence(lambda n: f"Appel à projets n°{n}")
    description = "Soutenir l'innovation sociale."
    grid_version = factory.LazyFunction(published_version)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    status = "open"
    max_amount = Decimal("50000")

    class Params:
        draft = factory.Trait(status="draft")
        review = factory.Trait(status="review")
        decided = factory.Trait(status="decided")

    @factory.post_generation
    def eligibility(obj, create, extracted, **kwargs):
        if create and extracted:
            for position, label in enumerate(extracted):
                EligibilityItem.objects.create(call=obj, label=label, position=position)


def holder_user(organisation=None) -> User:
    return user_with_role(Role.HOLDER, organisation)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A draft project; `complete=True` fills every field required for submission."""

    class Meta:
        model = "projects.Project"

    call = factory.SubFactory(CallFactory)
    owner = factory.LazyFunction(holder_user)
    organisation = factory.LazyAttribute(lambda o: o.owner.memberships.first().organisation)
    title = factory.Sequence(lambda n: f"Projet n°{n}")

    class Params:
        complete = factory.Trait(
            summary="Un tiers-lieu pour l'emploi.",
            social_need="Chômage de longue durée.",
            solution="Accompagnement et chantiers d'insertion.",
            beneficiaries="Demandeurs d'emploi.",
            stage="demarrage",
            budget=Decimal("80000"),
            amount_requested=Decimal("20000"),
            commune=factory.LazyFunction(lambda: Commune.objects.get(code="80021")),
            scope_level="commune",
        )
        submitted = factory.Trait(
            complete=True,
            status="submitted",
            submitted_at=factory.LazyFunction(timezone.now),
        )
        # What entering review does to a submitted project (its call is not moved: give
        # `call__review=True` or a call in review).
        under_review = factory.Trait(submitted=True, status="under_review")


def reviewer_user(organisation=None) -> User:
    return user_with_role(Role.REVIEWER, organisation)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A reviewer assigned to a submitted project of a call in review.

    Traits: `conflict` (the reviewer declared a conflict of interest, with a reason), `recused`
    (a call manager withdrew the reviewer), `done` (the reviewer submitted their review: the
    review itself is an `AssessmentFactory`)."""

    class Meta:
        model = "projects.Assignment"

    project = factory.SubFactory(
        ProjectFactory, call=factory.SubFactory(CallFactory, review=True), under_review=True
    )
    reviewer = factory.LazyFunction(reviewer_user)

    class Params:
        conflict = factory.Trait(state="conflict", conflict_reason="Lien avec la structure.")
        recused = factory.Trait(state="recused")
        done = factory.Trait(state="done")


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A draft review, on the grid version of its project's call.

    `assignment=`: the review of that assignment's project by its reviewer; otherwise a fresh
    reviewer's review of a project under review, with no assignment row. Traits:
    `self_assessment` (the project's, in its owner's name), `submitted` (status and date; the
    assignment is not touched: use `AssignmentFactory(done=True)`).

    `scores=`: {criterion code: value, None for "sans objet"}, or one value for every criterion of
    the version; the stored totals are then computed by the services' scoring function, as the
    services keep them. Without `scores` there are no scores and no totals."""

    class Meta:
        model = "projects.Assessment"
        skip_postgeneration_save = True

    class Params:
        assignment = None
        self_assessment = factory.Trait(
            kind="self", author=factory.LazyAttribute(lambda o: o.project.owner)
        )
        submitted = factory.Trait(
            status="submitted", submitted_at=factory.LazyFunction(timezone.now)
        )

    project = factory.Maybe(
        "assignment",
        yes_declaration=factory.LazyAttribute(lambda o: o.assignment.project),
        no_declaration=factory.SubFactory(
            ProjectFactory, call=factory.SubFactory(CallFactory, review=True), under_review=True
        ),
    )
    author = factory.Maybe(
        "assignment",
        yes_declaration=factory.LazyAttribute(lambda o: o.assignment.reviewer),
        no_declaration=factory.LazyFunction(reviewer_user),
    )
    kind = "review"
    grid_version = factory.LazyAttribute(lambda o: o.project.call.grid_version)

    @factory.post_generation
    def scores(obj, create, extracted, **kwargs):

        if not create or extracted is None:
            return
        criteria = {c.code: c for c in Criterion.objects.filter(version=obj.grid_version)}
        values = extracted if isinstance(extracted, dict) else dict.fromkeys(criteria, extracted)
        Score.objects.bulk_create(
            Score(
                assessment=obj,
                criterion=criteria[code],
                value=value,
                scale_min=criteria[code].scale_min,
                scale_max=criteria[code].scale_max,
            )
            for code, value in values.items()
        )
        assessment_recompute(assessment=obj).save()
