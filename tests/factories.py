from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import LegalForm, Membership, Organisation, Role, User
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
    from grid.models import GridVersion

    return GridVersion.objects.get(grid__is_default=True, number=1)


def draft_of_reference():
    """The draft of the default grid, copied from version 1 when there is none yet."""
    from grid.models import GridVersion
    from grid.services import grid_version_create_draft

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
    from grid.models import GridVersion

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
        from projects.models import EligibilityItem

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


def reviewer_user(organisation=None) -> User:
    return user_with_role(Role.REVIEWER, organisation)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A reviewer assigned to a submitted project of a call in review."""

    class Meta:
        model = "projects.Assignment"

    project = factory.SubFactory(
        ProjectFactory,
        call=factory.SubFactory(CallFactory, review=True),
        submitted=True,
        status="under_review",
    )
    reviewer = factory.LazyFunction(reviewer_user)
