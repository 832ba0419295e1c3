import factory

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
