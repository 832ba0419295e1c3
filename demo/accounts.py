"""Demo accounts, one per role, for trying the product locally. Never used in production."""

from django.db import transaction

from accounts.models import LegalForm, Membership, Organisation, Role, User
from territories.models import Commune

DEMO_PASSWORD = "demo-evalis-2026"

# (email, full name, role or None for the platform administrator, organisation key)
DEMO_ACCOUNTS = [
    ("admin@demo.evalis.fr", "Alice Administratrice", None, None),
    ("financeur@demo.evalis.fr", "François Financeur", Role.FUNDER, "region"),
    ("evaluateur@demo.evalis.fr", "Émilie Évaluatrice", Role.REVIEWER, "region"),
    ("porteur@demo.evalis.fr", "Paul Porteur", Role.HOLDER, "association"),
]

DEMO_ORGANISATIONS = {
    # SIRETs below are fictitious but pass the Luhn check.
    "region": ("Région Hauts-de-France (démo)", LegalForm.COLLECTIVITY, "", "59350"),
    "association": ("Les Jardins Solidaires d'Amiens (démo)", LegalForm.ASSOCIATION, "", "80021"),
}


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
