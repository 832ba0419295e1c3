"""The State's API Recherche d'entreprises (`GET {COMPANIES_API_URL}/search?q=<siren|siret>`,
no key, 7 requests a second per address, 429 with `Retry-After` beyond): what the registries
say of an organisation, kept as checked facts (`OrganisationCheck`) beside what its holder
declared. Answers are cached (`COMPANIES_CACHE_SECONDS`)."""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import LegalForm, Membership, Organisation, OrganisationCheck, Role
from accounts.outgoing import ServiceError, json_of, send
from accounts.validators import clean_siren_or_siret
from territories.models import Commune

SERVICE = "L'annuaire des entreprises"
CACHE_PREFIX = "companies:v1:"

# INSEE's "catégories juridiques" (level III) met among the organisations that apply; the
# others are shown by their code.
NATURE_JURIDIQUE = {
    "1000": "Entrepreneur individuel",
    "5202": "Société en nom collectif",
    "5306": "Société en commandite simple",
    "5458": "SARL coopérative ouvrière de production (SCOP)",
    "5460": "Autre SARL coopérative",
    "5499": "Société à responsabilité limitée (SARL)",
    "5558": "SA coopérative ouvrière de production (SCOP) à conseil d'administration",
    "5560": "Autre SA coopérative à conseil d'administration",
    "5599": "SA à conseil d'administration",
    "5658": "SA coopérative ouvrière de production (SCOP) à directoire",
    "5660": "Autre SA coopérative à directoire",
    "5699": "SA à directoire",
    "5710": "Société par actions simplifiée (SAS)",
    "5720": "Société par actions simplifiée à associé unique (SASU)",
    "6316": "Coopérative d'utilisation de matériel agricole en commun (CUMA)",
    "6317": "Société coopérative agricole",
    "6318": "Union de sociétés coopératives agricoles",
    "6540": "Société civile immobilière",
    "7120": "Service central d'un ministère",
    "7172": "Service déconcentré de l'État à compétence (inter) départementale",
    "7210": "Commune et commune nouvelle",
    "7220": "Département",
    "7229": "Autre collectivité territoriale",
    "7230": "Région",
    "7346": "Communauté de communes",
    "7348": "Communauté d'agglomération",
    "7344": "Métropole",
    "7353": "Syndicat intercommunal à vocation unique (SIVU)",
    "7354": "Syndicat mixte fermé",
    "7361": "Centre communal d'action sociale",
    "7389": "Établissement public national à caractère administratif",
    "8110": "Régime général de la Sécurité sociale",
    "8210": "Mutuelle",
    "9210": "Association non déclarée",
    "9220": "Association déclarée",
    "9221": "Association déclarée d'insertion par l'économique",
    "9222": "Association intermédiaire",
    "9223": "Groupement d'employeurs",
    "9230": "Association déclarée, reconnue d'utilité publique",
    "9240": "Congrégation",
    "9260": "Association de droit local (Bas-Rhin, Haut-Rhin et Moselle)",
    "9300": "Fondation",
}
SCOP_CODES = {"5458", "5558", "5658"}


def legal_form_of(code: str) -> str:
    """The product's legal form for a catégorie juridique, "" when none fits for sure."""
    if code in SCOP_CODES:
        return LegalForm.SCOP
    if code == "9300":
        return LegalForm.FOUNDATION
    if code.startswith("92"):
        return LegalForm.ASSOCIATION
    if code.startswith("71"):
        return LegalForm.STATE
    if code.startswith(("72", "73")):
        return LegalForm.COLLECTIVITY
    if code.startswith(("5", "6")):
        return LegalForm.COMPANY
    return ""


@dataclass(frozen=True)
class CompanyFacts:
    """What the registries say of one organisation."""

    siren: str
    siret: str
    name: str
    nature_juridique: str
    nature_juridique_label: str
    legal_form: str  # LegalForm value or ""
    commune_code: str
    is_active: bool
    is_ess: bool
    is_siae: bool
    is_association: bool
    rna: str
    is_mission_company: bool


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _flag(value) -> bool:
    return value is True


def parse_result(result: dict, number: str) -> CompanyFacts:
    """One `results[]` item of /search, as published (siege, complements, nature_juridique)."""
    if not isinstance(result, dict):
        raise ValueError("result is not an object")
    siren = _text(result.get("siren"))
    if len(siren) != 9 or not siren.isdigit():
        raise ValueError("result without a SIREN")
    siege = result.get("siege") if isinstance(result.get("siege"), dict) else {}
    complements = result.get("complements") if isinstance(result.get("complements"), dict) else {}
    establishment = siege
    if len(number) == 14:
        matching = result.get("matching_etablissements")
        for item in matching if isinstance(matching, list) else []:
            if isinstance(item, dict) and _text(item.get("siret")) == number:
                establishment = item
    code = _text(result.get("nature_juridique"))
    name = _text(result.get("nom_raison_sociale")) or _text(result.get("nom_complet"))
    return CompanyFacts(
        siren=siren,
        siret=_text(establishment.get("siret")) or _text(siege.get("siret")),
        name=name[:200],
        nature_juridique=code[:4],
        nature_juridique_label=NATURE_JURIDIQUE.get(code, "")
        or (_("Catégorie juridique %(code)s") % {"code": code} if code else ""),
        legal_form=legal_form_of(code),
        commune_code=_text(siege.get("commune"))[:5],
        is_active=_text(result.get("etat_administratif")) != "C",
        is_ess=_flag(complements.get("est_ess")),
        is_siae=_flag(complements.get("est_siae")),
        is_association=_flag(complements.get("est_association")),
        rna=_text(complements.get("identifiant_association"))[:10],
        is_mission_company=_flag(complements.get("est_societe_mission")),
    )


def company_lookup(number: str) -> CompanyFacts:
    """The facts of the organisation whose SIREN or SIRET is `number` (checked first).
    Raises ValidationError for a malformed number and ServiceError ("unknown" when the
    registries do not know it, or the service's trouble)."""
    number = clean_siren_or_siret(number)
    cached = cache.get(CACHE_PREFIX + number)
    if cached is not None:
        return CompanyFacts(**cached)
    response = send(
        "GET",
        f"{settings.COMPANIES_API_URL}/search",
        service=SERVICE,
        params={"q": number, "page": 1, "per_page": 5},
        headers={"Accept": "application/json"},
        timeout=settings.COMPANIES_API_TIMEOUT,
        retries=settings.COMPANIES_API_RETRIES,
        backoff=settings.COMPANIES_API_BACKOFF,
        max_wait=settings.COMPANIES_API_MAX_WAIT,
    )
    if response.status_code >= 400:
        raise ServiceError(
            _("%(service)s a refusé la demande (erreur %(status)s).")
            % {"service": SERVICE, "status": response.status_code},
            code="refused",
            status=response.status_code,
        )
    payload = json_of(response, service=SERVICE)
    results = payload.get("results") if isinstance(payload, dict) else None
    if not isinstance(results, list):
        raise ServiceError(
            _("%(service)s a renvoyé une réponse illisible : réessayez plus tard.")
            % {"service": SERVICE},
            code="malformed",
        )
    for result in results:
        try:
            facts = parse_result(result, number)
        except ValueError:
            continue
        if facts.siren == number[:9]:
            cache.set(CACHE_PREFIX + number, asdict(facts), settings.COMPANIES_CACHE_SECONDS)
            return facts
    raise ServiceError(
        _(
            "Aucune structure ne correspond à ce numéro dans l'annuaire des entreprises : "
            "vérifiez-le, ou remplissez les champs vous-même."
        ),
        code="unknown",
    )


def form_values(facts: CompanyFacts) -> dict:
    """The organisation form's fields the facts fill (legal form only when it is certain)."""
    values = {"name": facts.name, "siret": facts.siret or facts.siren}
    if facts.legal_form:
        values["legal_form"] = facts.legal_form
    if facts.rna:
        values["rna"] = facts.rna
    commune = Commune.objects.filter(code=facts.commune_code).first()
    if commune is not None:
        values["commune"] = commune.label
    return values


@transaction.atomic
def organisation_check_record(*, organisation: Organisation, facts: CompanyFacts, now=None):
    """Keep the registries' facts of `organisation`, dated, replacing the previous ones."""
    values = asdict(facts)
    values.pop("legal_form")
    values["commune"] = Commune.objects.filter(code=values.pop("commune_code")).first()
    check, _created = OrganisationCheck.objects.update_or_create(
        organisation=organisation, defaults={**values, "checked_at": now or timezone.now()}
    )
    return check


def organisation_check_refresh(*, organisation_id: int) -> str:
    """Look the organisation's SIRET up and keep what the registries say (background task).
    Says what happened; the lookup's trouble is not an error of the organisation."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not organisation.siret:
        OrganisationCheck.objects.filter(organisation_id=organisation_id).delete()
        return "no-siret"
    # Facts about another number than the current one no longer describe the organisation.
    OrganisationCheck.objects.filter(organisation=organisation).exclude(
        siren=organisation.siret[:9]
    ).delete()
    try:
        facts = company_lookup(organisation.siret)
    except (ServiceError, ValidationError) as error:
        return f"not-checked: {getattr(error, 'code', 'invalid')}"
    organisation_check_record(organisation=organisation, facts=facts)
    return "checked"


@transaction.atomic
def organisation_create_from_registries(*, user, siret: str, facts: CompanyFacts):
    """The organisation a ProConnect person works for (its SIRET asserted by ProConnect),
    created from what the registries say, with the person as its holder and the facts kept
    as checked."""
    organisation = Organisation.objects.filter(siret=siret).first()
    if organisation is None:
        organisation = Organisation(
            name=facts.name or siret,
            legal_form=facts.legal_form or LegalForm.OTHER,
            siret=siret,
            commune=Commune.objects.filter(code=facts.commune_code).first(),
        )
        organisation.full_clean()
        organisation.save()
        organisation_check_record(organisation=organisation, facts=facts)
    Membership.objects.get_or_create(user=user, organisation=organisation, role=Role.HOLDER)
    return organisation
