"""Writes to accounts and organisations."""

from django.db import transaction

from accounts.models import Membership, Organisation, Role, User


@transaction.atomic
def holder_signup(
    *,
    email: str,
    password: str,
    full_name: str,
    organisation_name: str,
    legal_form: str,
    siret: str,
    commune,
) -> User:
    """Create a project holder's account and organisation together, or neither."""
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    organisation = Organisation(
        name=organisation_name, legal_form=legal_form, siret=siret, commune=commune
    )
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(user=user, organisation=organisation, role=Role.HOLDER)
    return user


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict) -> Organisation:
    for field, value in data.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    organisation.save()
    return organisation
