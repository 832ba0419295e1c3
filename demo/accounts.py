"""Demo accounts, one per role, for trying the product locally. Never used in production."""

from django.db import transaction

from accounts.models import LegalForm, Membership, Organisation, Role, User
from territories.models import Commune

DEMO_PASSWORD = "demo-evalis-2026"
# The accounts the demo calls, projects and reviews are given to.
DEMO_FUNDER = "financeur@demo.evalis.fr"
DEMO_REVIEWER = "evaluateur@demo.evalis.fr"
DEMO_HOLDER = "porteur@demo.evalis.fr"

# (email, full name, role or None for the platform administrator, organisation key)
DEMO_ACCOUNTS = [
    ("admin@demo.evalis.fr", "Alice Administratrice", None, None),
    (DEMO_FUNDER, "François Financeur", Role.FUNDER, "region"),
    (DEMO_REVIEWER, "Émilie Évaluatrice", Role.REVIEWER, "region"),
    (DEMO_HOLDER, "Paul Porteur", Role.HOLDER, "association"),
]

DEMO_ORGANISATIONS = {
    # SIRETs below are fictitious but pass the Luhn check.
    "region": ("Région Hauts-de-France (démo)", LegalForm.COLLECTIVITY, "", "59350"),
    "association": ("Les Jardins Solidaires d'Amiens (démo)", LegalForm.ASSOCIATION, "", "80021"),
}
# The demo funder's organisation: the calls it funds are the ones they manage.
REGION_FUNDER = DEMO_ORGANISATIONS["region"][0]


def demo_organisation(name, legal_form, commune_code) -> Organisation:
    """The organisation of that name, created without a SIRET if it is missing."""
    organisation, _ = Organisation.objects.get_or_create(
        name=name,
        defaults={
            "legal_form": legal_form,
            "commune": Commune.objects.filter(code=commune_code).first(),
        },
    )
    return organisation


@transaction.atomic
def demo_accounts_create() -> list[tuple[str, str]]:
    """Create what is missing; leave existing accounts and their passwords alone."""
    organisations = {}
    for key, (name, legal_form, siret, commune_code) in DEMO_ORGANISATIONS.items():
        organisations[key], _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "legal_form": legal_form,
                "siret": siret,
                "commune": Commune.objects.filter(code=commune_code).first(),
            },
        )
    created = []
    for email, full_name, role, organisation_key in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=full_name,
                is_staff=role is None,
                is_superuser=role is None,
            )
        if role is not None:
            Membership.objects.get_or_create(
                user=user, organisation=organisations[organisation_key], role=role
            )
        label = Role(role).label if role else "Administrateur de la plateforme"
        created.append((str(label), email))
    return created
