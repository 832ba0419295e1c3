"""Demo accounts, one per role, for trying the product locally. Never used in production."""

from django.db import transaction

from accounts.models import LegalForm, Membership, Organisation, Role, User
from accounts.validators import luhn_valid
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


def demo_siret(number: int) -> str:
    """A fictitious SIRET (14 digits, Luhn key right), the same for the same `number`: the
    open-data file of subsidies names the funder and the beneficiaries by SIRET."""
    base = f"9{number:012d}"
    for key in range(10):
        if luhn_valid(base + str(key)):
            return base + str(key)
    raise AssertionError("a Luhn key always exists")


def demo_rna(number: int) -> str:
    """A fictitious RNA number (W and 9 digits) for a demo association."""
    return f"W{800000000 + number:09d}"


DEMO_ORGANISATIONS = {
    "region": ("Région Hauts-de-France (démo)", LegalForm.COLLECTIVITY, demo_siret(1), "59350"),
    "association": ("Les Jardins Solidaires d'Amiens (démo)", LegalForm.ASSOCIATION, "", "80021"),
}
# The demo funder's organisation: the calls it funds are the ones they manage.
REGION_FUNDER = DEMO_ORGANISATIONS["region"][0]


def demo_organisation(name, legal_form, commune_code, *, siret="", rna="") -> Organisation:
    """The organisation of that name, created with the given identifiers if it is missing."""
    organisation, _ = Organisation.objects.get_or_create(
        name=name,
        defaults={
            "legal_form": legal_form,
            "siret": siret,
            "rna": rna,
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
                "rna": demo_rna(0) if legal_form == LegalForm.ASSOCIATION else "",
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
