"""Demo calls and projects, in French, built through the services so that they obey every rule
a real user meets. Idempotent: a call that already exists (by title) is left alone. Never used
in production."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import LegalForm, Membership, Organisation, Role, User
from demo.accounts import DEMO_HOLDER, demo_organisation, demo_rna, demo_siret
from demo.calls import CALLS, demo_call_create
from demo.reviews import demo_call_review
from grid.models import Criterion
from grid.selectors import reference_version
from projects import services
from projects.models import Call, CallStatus, ScopeLevel, SelfAssessmentPolicy, Stage
from territories.models import Commune

THEMES = [
    (
        "Garage solidaire",
        "Un garage associatif qui répare à prix coûtant les véhicules des personnes en "
        "insertion et forme des mécaniciens.",
        "Sans voiture en état de marche, de nombreux demandeurs d'emploi ne peuvent pas "
        "accepter un poste éloigné des transports en commun.",
        "Réparations à tarif solidaire, prêt de véhicules et chantier d'insertion en mécanique.",
        "Demandeurs d'emploi, allocataires du RSA, jeunes en insertion",
    ),
    (
        "Tiers-lieu de l'emploi",
        "Un lieu ouvert où demandeurs d'emploi, entreprises et habitants se rencontrent autour "
        "d'ateliers, d'un café et d'un espace numérique.",
        "Les personnes éloignées de l'emploi sont isolées et ne fréquentent plus les guichets.",
        "Accueil sans rendez-vous, ateliers CV, rencontres avec les employeurs du bassin.",
        "Habitants du quartier prioritaire, demandeurs d'emploi de longue durée",
    ),
    (
        "Conciergerie d'insertion",
        "Une conciergerie d'entreprises qui emploie des salariés en parcours d'insertion.",
        "Les zones d'activité manquent de services et les personnes en insertion d'expériences "
        "professionnelles variées.",
        "Services aux salariés (pressing, courses, petites réparations) assurés en insertion.",
        "Salariés en insertion, entreprises de la zone d'activité",
    ),
    (
        "Épicerie sociale et solidaire",
        "Une épicerie à prix réduits couplée à un accompagnement budgétaire.",
        "La précarité alimentaire progresse chez les familles monoparentales et les étudiants.",
        "Produits à 30 % du prix, ateliers cuisine et budget, circuits courts avec les "
        "producteurs locaux.",
        "Familles à faibles revenus, étudiants, personnes âgées isolées",
    ),
    (
        "Ressourcerie",
        "Collecte, réparation et revente d'objets du quotidien par une équipe en insertion.",
        "Des tonnes d'objets réemployables sont jetées et les emplois peu qualifiés manquent.",
        "Collecte en déchetterie, ateliers de réparation, boutique solidaire et sensibilisation.",
        "Salariés en insertion, habitants, scolaires",
    ),
    (
        "Mobilité solidaire",
        "Une plateforme de mobilité : auto-école sociale, location de scooters et covoiturage.",
        "Le permis de conduire reste un frein majeur à l'emploi en zone rurale.",
        "Auto-école à tarif adapté, location de deux-roues, conseil en mobilité.",
        "Jeunes sans permis, demandeurs d'emploi ruraux",
    ),
    (
        "Cuisine partagée",
        "Une cuisine professionnelle partagée pour lancer des activités de restauration.",
        "Des personnes ayant un savoir-faire culinaire n'ont pas les moyens d'ouvrir un "
        "laboratoire aux normes.",
        "Location à l'heure, formation hygiène, accompagnement à la création d'activité.",
        "Créatrices et créateurs d'activité, femmes issues des quartiers",
    ),
    (
        "Recyclerie numérique",
        "Reconditionnement d'ordinateurs et accompagnement au numérique.",
        "L'illectronisme et le manque d'équipement excluent des démarches en ligne.",
        "Ordinateurs reconditionnés à bas prix, ateliers numériques, emplois en insertion.",
        "Personnes éloignées du numérique, familles, seniors",
    ),
    (
        "Jardin d'insertion maraîcher",
        "Un jardin maraîcher biologique en chantier d'insertion qui livre des paniers.",
        "Le chômage de longue durée touche fortement les zones rurales du territoire.",
        "Production maraîchère, vente de paniers, formation aux métiers verts.",
        "Salariés en insertion, consommateurs locaux",
    ),
    (
        "Habitat inclusif",
        "Des colocations accompagnées pour personnes en situation de handicap.",
        "Les personnes en situation de handicap manquent de solutions entre domicile et "
        "établissement.",
        "Logements partagés, animation de la vie collective, partenariat avec les bailleurs.",
        "Adultes en situation de handicap, aidants familiaux",
    ),
    (
        "Médiation par les pairs",
        "Des médiateurs pairs accompagnent les personnes sans domicile vers les droits.",
        "Le non-recours aux droits sociaux reste massif chez les personnes à la rue.",
        "Maraudes, permanences d'accès aux droits, formation de médiateurs pairs.",
        "Personnes sans domicile, travailleurs pauvres",
    ),
    (
        "Atelier vélo solidaire",
        "Un atelier d'autoréparation de vélos et une vélo-école pour adultes.",
        "Se déplacer coûte cher et beaucoup d'adultes ne savent pas faire du vélo.",
        "Atelier participatif, vélo-école, remise en circulation de vélos abandonnés.",
        "Habitants, femmes des quartiers, demandeurs d'emploi",
    ),
]
PARTNERS = "Pôle emploi devenu France Travail, la mission locale, le CCAS, des entreprises locales"
ORGANISATION_NAMES = [
    "Tremplin",
    "Solidaires",
    "Passerelle",
    "Horizons",
    "Ensemble",
    "Les Liens",
    "Renouer",
    "Cap Avenir",
]
ORGANISATION_KINDS = [
    ("Association", LegalForm.ASSOCIATION),
    ("SCIC", LegalForm.SCIC),
    ("SCOP", LegalForm.SCOP),
    ("Entreprise solidaire", LegalForm.ESUS),
]


def _holder(index: int, commune: Commune, rng: random.Random) -> tuple[User, Organisation]:
    """A fictitious holder organisation and its owner, who cannot log in."""
    kind, legal_form = ORGANISATION_KINDS[index % len(ORGANISATION_KINDS)]
    name = f"{kind} {rng.choice(ORGANISATION_NAMES)} {commune.name} (démo)"
    # Associations are named by their RNA number, the others by a SIRET (open-data file).
    association = legal_form == LegalForm.ASSOCIATION
    organisation = demo_organisation(
        name,
        legal_form,
        commune.code,
        siret="" if association else demo_siret(1000 + index),
        rna=demo_rna(1 + index) if association else "",
    )
    email = f"porteur-{index}@demo.evalis.fr"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=f"Porteur {index}")
    Membership.objects.get_or_create(user=user, organisation=organisation, role=Role.HOLDER)
    return user, organisation


def _self_assess(project, criteria, rng: random.Random, *, complete: bool) -> None:
    scores = {}
    for criterion in criteria if complete else criteria[: len(criteria) // 2]:
        value = rng.choice([1, 2, 2, 3, 3, None] if criterion.allows_not_applicable else [1, 2, 3])
        comment = (
            "Sans objet pour notre projet."
            if value is None
            else rng.choice(
                [
                    "Démontré par notre bilan d'activité.",
                    "Encore en construction avec nos partenaires.",
                    "Des résultats mesurés sur la première année.",
                    "",
                ]
            )
        )
        scores[criterion.pk] = (value, comment)
    services.self_assessment_save(
        project=project, scores=scores, by=project.owner, row_version=services.NEW_ASSESSMENT
    )


def demo_call_fill(call, spec, criteria, rng, holders, demo_holder) -> int:
    """The call's projects, some self-assessed, most submitted, one in eleven withdrawn; returns
    how many were created. `rng` and `holders` run on from one call to the next."""
    communes = {
        code: list(Commune.objects.filter(departement_id=code).order_by("-population")[:6])
        for code in spec["departements_for_projects"]
    }
    submit_at = min(call.closes_at - timedelta(days=1), timezone.now())
    created = 0
    for index in range(spec["count"]):
        departement = spec["departements_for_projects"][
            index % len(spec["departements_for_projects"])
        ]
        commune = rng.choice(communes[departement])
        if demo_holder and index < spec.get("demo_projects", 2):
            # The demo holder's own association (Amiens) gets real projects to look at.
            owner, organisation = demo_holder
            commune = Commune.objects.get(code="80021")
        else:
            key = (spec["key"], index)
            if key not in holders:
                holders[key] = _holder(len(holders) + 1, commune, rng)
            owner, organisation = holders[key]
        title, summary, need, solution, beneficiaries = THEMES[
            (index * 7 + len(spec["key"])) % len(THEMES)
        ]
        budget = Decimal(rng.randrange(40, 400) * 1000)
        amount = min(call.max_amount, (budget * Decimal("0.4")).quantize(Decimal("1000")))
        project = services.project_create(
            call=call,
            organisation=organisation,
            owner=owner,
            title=f"{title} — {commune.name}",
            summary=summary,
            social_need=need,
            solution=solution,
            beneficiaries=beneficiaries,
            partners=PARTNERS,
            stage=rng.choice(Stage.values),
            budget=budget,
            amount_requested=amount,
            jobs_created=rng.randint(0, 12),
            commune=commune,
            scope_level=rng.choice([ScopeLevel.COMMUNE, ScopeLevel.INTERCOMMUNAL]),
            eligibility=list(call.eligibility_items.all()),
            now=submit_at - timedelta(days=2),
        )
        created += 1
        required = call.self_assessment_policy == SelfAssessmentPolicy.REQUIRED
        draft = index % 7 == 3 or (demo_holder and index == 1 and spec.get("demo_projects", 2) > 1)
        if required or draft or index % 2 == 0:
            _self_assess(project, criteria, rng, complete=not draft or index % 3 == 0)
        if draft:
            continue
        services.project_submit(project=project, by=owner, now=submit_at - timedelta(hours=index))
        if index % 11 == 5:
            services.project_withdraw(project=project, by=owner)
    return created


@transaction.atomic
def demo_projects_create() -> list[tuple[str, int]]:
    """Create the demo calls and their projects, reviewed (and decided) for the calls past
    their deadline; returns (call title, projects created)."""
    version = reference_version()
    if version is None:
        return []
    criteria = list(Criterion.objects.filter(version=version).in_form_order())
    holder_user = User.objects.filter(email=DEMO_HOLDER).first()
    demo_holder = None
    if holder_user is not None:
        membership = holder_user.memberships.filter(role=Role.HOLDER).first()
        if membership is not None:
            demo_holder = (holder_user, membership.organisation)
    rng = random.Random(2026)
    now = timezone.now()
    holders: dict = {}
    report = []
    for spec in CALLS:
        if Call.objects.filter(title=spec["title"]).exists():
            report.append((spec["title"], 0))
            continue
        # Each project's summaries are refreshed once, when its call is ready, rather than on
        # each of the many saves that build it.
        with services.refreshes_deferred():
            call = demo_call_create(spec, version, now)
            with_demo_holder = spec["key"] in ("region", "rural")
            created = demo_call_fill(
                call, spec, criteria, rng, holders, demo_holder if with_demo_holder else None
            )
            if spec["final_status"] in (CallStatus.REVIEW, CallStatus.DECIDED):
                services.call_transition(call=call, to=CallStatus.REVIEW, by=None, early=True)
                demo_call_review(call, criteria, decide=spec["final_status"] == CallStatus.DECIDED)
        report.append((spec["title"], created))
    return report
