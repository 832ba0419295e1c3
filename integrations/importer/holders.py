"""The dossier's holder: the organisation matched on the demandeur's SIRET or created, and
the usager's account as one of its holders."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.companies import company_lookup
from accounts.models import LegalForm, Membership, Organisation, Role, User
from accounts.outgoing import ServiceError
from accounts.services import organisation_check_on_commit
from accounts.validators import clean_siren_or_siret
from territories.models import Commune


def _demandeur_siret(node: dict) -> str:
    demandeur = node.get("demandeur") if isinstance(node.get("demandeur"), dict) else {}
    try:
        return clean_siren_or_siret(str(demandeur.get("siret") or ""))
    except ValidationError:
        return ""


def _known_organisation(siret: str) -> Organisation | None:
    if not siret:
        return None
    return (
        Organisation.objects.filter(siret=siret).first()
        or Organisation.objects.filter(siret=siret[:9]).first()
    )


def registry_facts(node: dict):
    """What the registries say of a new demandeur's SIRET, asked before the dossier's
    transaction (no outside call holds a database lock); None when unknown or unreachable."""
    siret = _demandeur_siret(node)
    if not siret or _known_organisation(siret) is not None:
        return None
    try:
        return company_lookup(siret)
    except (ServiceError, ValidationError):
        return None


def dossier_organisation(node: dict, facts) -> Organisation:
    """The holder organisation: matched on the demandeur's SIRET (or its SIREN), else created
    from the registries' `facts`, else from what the dossier says."""
    demandeur = node.get("demandeur") if isinstance(node.get("demandeur"), dict) else {}
    siret = _demandeur_siret(node)
    if siret:
        found = _known_organisation(siret)
        if found is not None:
            return found
        entreprise = (
            demandeur.get("entreprise") if isinstance(demandeur.get("entreprise"), dict) else {}
        )
        name, legal_form, commune = str(entreprise.get("raisonSociale") or "")[:200], "", None
        if facts is not None:
            name = facts.name or name
            legal_form = facts.legal_form
            commune = Commune.objects.filter(code=facts.commune_code).first()
        organisation = Organisation.objects.create(
            name=name or _("Structure %(siret)s") % {"siret": siret},
            legal_form=legal_form or LegalForm.OTHER,
            siret=siret,
            commune=commune,
        )
        organisation_check_on_commit(organisation)
        return organisation
    person = " ".join(str(demandeur.get(key) or "").strip() for key in ("prenom", "nom")).strip()
    return Organisation.objects.create(
        name=(person or _("Demandeur du dossier %(number)s") % {"number": node["number"]})[:200],
        legal_form=LegalForm.OTHER,
    )


def dossier_owner(node: dict, organisation: Organisation) -> User:
    """The dossier's usager becomes a holder of the organisation: their account if they have
    one, else an account without password (they choose one with « Mot de passe oublié »)."""
    usager = node.get("usager") if isinstance(node.get("usager"), dict) else {}
    email = User.objects.normalize_email(str(usager.get("email") or "")).strip().lower()[:254]
    if not email or "@" not in email:
        email = f"dossier-{node['number']}@demarche.invalid"
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None)
    Membership.objects.get_or_create(user=user, organisation=organisation, role=Role.HOLDER)
    return user
