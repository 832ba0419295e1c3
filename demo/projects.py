"""Demo calls and projects, in French, built through the services so that they obey every rule
a real user meets. Idempotent: a call that already exists (by title) is left alone. Never used
in production."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import LegalForm, Membership, Organisation, Role, User
from grid.models import Criterion
from grid.selectors import reference_version
from projects import services
from projects.models import (
    Assessment,
    Assignment,
    Call,
    CallStatus,
    FeedbackPolicy,
    Outcome,
    ProjectStatus,
    ScopeLevel,
    SelfAssessmentPolicy,
    Stage,
)
from territories.models import Commune, Departement, Region

DEMO_HOLDER = "porteur@demo.evalis.fr"
DEMO_FUNDER = "financeur@demo.evalis.fr"
# The organisation demo.accounts gives the demo funder; its calls are the ones they manage.
REGION_FUNDER = "Région Hauts-de-France (démo)"

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

CALLS = [
    {
        "key": "region",
        "title": "Retour à l'emploi dans les Hauts-de-France 2026",
        "funder": (REGION_FUNDER, LegalForm.COLLECTIVITY, "59350"),
        "description": (
            "La Région soutient les projets d'innovation sociale qui ramènent vers l'emploi les "
            "personnes qui en sont le plus éloignées : mobilité, garde d'enfants, "
            "accompagnement, activités d'insertion.\n\nLes projets sont évalués sur la grille "
            "de l'innovation sociale ; l'auto-évaluation est facultative mais recommandée."
        ),
        "regions": ["32"],
        "departements": [],
        "opens_days": -20,
        "closes_days": 40,
        "policy": SelfAssessmentPolicy.OPTIONAL,
        "max_amount": Decimal("60000"),
        "eligibility": [
            "La structure relève de l'économie sociale et solidaire.",
            "Le projet se déroule dans les Hauts-de-France.",
            "Le projet s'adresse à des personnes éloignées de l'emploi.",
        ],
        "departements_for_projects": ["59", "62", "80", "02", "60"],
        "count": 22,
        "final_status": CallStatus.OPEN,
    },
    {
        "key": "departement",
        "title": "Inclusion sociale en Gironde",
        "funder": ("Département de la Gironde (démo)", LegalForm.COLLECTIVITY, "33063"),
        "description": (
            "Le Département finance des actions d'inclusion sociale : accès aux droits, lutte "
            "contre l'isolement, précarité alimentaire, habitat inclusif."
        ),
        "regions": [],
        "departements": ["33"],
        "opens_days": -90,
        "closes_days": -10,
        "policy": SelfAssessmentPolicy.OPTIONAL,
        "max_amount": Decimal("40000"),
        "eligibility": ["Le projet bénéficie à des habitants de la Gironde."],
        "departements_for_projects": ["33"],
        "count": 12,
        "final_status": CallStatus.REVIEW,
    },
    {
        "key": "foundation",
        "title": "Fonds national pour l'innovation sociale de proximité",
        "funder": ("Fondation Solidarités de proximité (démo)", LegalForm.FOUNDATION, "75056"),
        "description": (
            "Appel national de la fondation pour des initiatives locales, portées par des "
            "structures de l'ESS, partout en France y compris en outre-mer. "
            "L'auto-évaluation sur la grille est obligatoire."
        ),
        "regions": [],
        "departements": [],
        "opens_days": -5,
        "closes_days": 60,
        "policy": SelfAssessmentPolicy.REQUIRED,
        "max_amount": Decimal("30000"),
        "eligibility": [
            "La structure a au moins un an d'existence.",
            "Le projet n'a pas déjà été financé par la fondation.",
        ],
        "departements_for_projects": [
            "13",
            "69",
            "31",
            "44",
            "67",
            "35",
            "34",
            "06",
            "29",
            "63",
            "21",
            "87",
            "974",
            "971",
            "2A",
            "57",
            "76",
            "37",
            "86",
            "25",
            "64",
            "30",
            "42",
            "38",
            "49",
            "14",
        ],  # fmt: skip
        "count": 26,
        "final_status": CallStatus.OPEN,
    },
    {
        # Already decided: reviewers scored it, the Région decided, holders read the feedback.
        "key": "rural",
        "title": "Innovation sociale dans les territoires ruraux des Hauts-de-France 2025",
        "funder": (REGION_FUNDER, LegalForm.COLLECTIVITY, "59350"),
        "description": (
            "Appel 2025 de la Région pour les projets d'innovation sociale en milieu rural. "
            "Les décisions sont rendues ; les porteurs lisent les retours des évaluateurs."
        ),
        "regions": ["32"],
        "departements": [],
        "opens_days": -200,
        "closes_days": -120,
        "policy": SelfAssessmentPolicy.OPTIONAL,
        "feedback": FeedbackPolicy.FULL,
        "max_amount": Decimal("40000"),
        "eligibility": [],
        "departements_for_projects": ["02", "60", "80", "62", "59"],
        "count": 12,
        "demo_projects": 1,
        "final_status": CallStatus.DECIDED,
    },
]


def _organisation(name, legal_form, commune_code) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        name=name,
        defaults={
            "legal_form": legal_form,
            "commune": Commune.objects.filter(code=commune_code).first(),
        },
    )
    return organisation


def _holder(index: int, commune: Commune, rng: random.Random) -> tuple[User, Organisation]:
    """A fictitious holder organisation and its owner, who cannot log in."""
    kind, legal_form = ORGANISATION_KINDS[index % len(ORGANISATION_KINDS)]
    name = f"{kind} {rng.choice(ORGANISATION_NAMES)} {commune.name} (démo)"
    organisation = _organisation(name, legal_form, commune.code)
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
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)
    services.assessment_save_scores(assessment=assessment, scores=scores, by=project.owner)


def _create_call(spec, version, now) -> Call:
    funder = _organisation(*spec["funder"])
    call = services.call_create(
        funder=funder,
        by=None,
        title=spec["title"],
        description=spec["description"],
        grid_version=version,
        opens_at=now + timedelta(days=spec["opens_days"]),
        closes_at=now + timedelta(days=spec["closes_days"]),
        self_assessment_policy=spec["policy"],
        feedback_policy=spec.get("feedback", FeedbackPolicy.COMMENTS),
        max_amount=spec["max_amount"],
        regions=Region.objects.filter(code__in=spec["regions"]),
        departements=Departement.objects.filter(code__in=spec["departements"]),
        eligibility=spec["eligibility"],
    )
    # Opened "in the past" for calls whose window is already over.
    opened_at = call.opens_at + timedelta(hours=1)
    return services.call_transition(call=call, to=CallStatus.OPEN, by=None, now=opened_at)


def _fill_call(call, spec, criteria, rng, holders, demo_holder) -> int:
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
    """Create the three demo calls and their projects; returns (call title, projects created)."""
    version = reference_version()
    if version is None:
        return []
    criteria = list(
        Criterion.objects.filter(version=version).order_by("axis__position", "position")
    )
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
        call = _create_call(spec, version, now)
        with_demo_holder = spec["key"] in ("region", "rural")
        created = _fill_call(
            call, spec, criteria, rng, holders, demo_holder if with_demo_holder else None
        )
        if spec["final_status"] in (CallStatus.REVIEW, CallStatus.DECIDED):
            services.call_transition(call=call, to=CallStatus.REVIEW, by=None)
            _review_call(call, criteria, decide=spec["final_status"] == CallStatus.DECIDED)
        report.append((spec["title"], created))
    return report


DEMO_REVIEWER = "evaluateur@demo.evalis.fr"
REVIEW_COMMENTS = [
    "Besoin bien documenté par des données locales.",
    "Partenariats solides mais modèle économique fragile.",
    "Impact mesuré de façon convaincante.",
    "Gouvernance à préciser.",
]


def _demo_reviewers(call) -> list[User]:
    """The demo reviewer account and five fictitious colleagues (who cannot log in)."""
    reviewers = []
    demo = User.objects.filter(email=DEMO_REVIEWER).first()
    if demo is not None:
        reviewers.append(demo)
    for index in range(1, 6):
        email = f"evaluateur-{index}@demo.evalis.fr"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None, full_name=f"Évaluateur démo {index}"
        )
        Membership.objects.get_or_create(user=user, organisation=call.funder, role=Role.REVIEWER)
        reviewers.append(user)
    return reviewers


def _review(assignment, criteria, rng, quality: int, *, submit: bool) -> Assessment:
    scores = {}
    for criterion in criteria:
        value = max(
            criterion.scale_min, min(criterion.scale_max, quality + rng.choice([-1, 0, 0, 1]))
        )
        scores[criterion.pk] = (value, rng.choice(REVIEW_COMMENTS))
    assessment = services.review_save(
        project=assignment.project,
        by=assignment.reviewer,
        scores=scores,
        fields={
            "opinion": "favourable"
            if quality >= 2
            else "reserved"
            if quality == 1
            else "unfavourable",
            "strengths": rng.choice(REVIEW_COMMENTS[::2]),
            "weaknesses": rng.choice(REVIEW_COMMENTS[1::2]),
        },
        row_version=None,
        assessment=None,
    )
    if submit:
        assessment = services.review_submit(assessment=assessment, by=assignment.reviewer)
    return assessment


def _review_call(call, criteria, *, decide: bool) -> None:
    """Pool, balanced assignment (3 per project) and reviews: mostly submitted, some drafts,
    one declared conflict; a decided call also gets its decisions and moves to "decided"."""
    # Its own random sequence: the other calls' demo data stay as they were.
    rng = random.Random(f"reviews {call.title}")
    reviewers = _demo_reviewers(call)
    call.reviewers.add(*reviewers)
    services.assignments_auto(call=call, per_project=3, by=None)
    demo = reviewers[0] if reviewers and reviewers[0].email == DEMO_REVIEWER else None
    demo_seen = 0
    qualities = {}
    for index, assignment in enumerate(
        Assignment.objects.filter(project__call=call).select_related("project", "reviewer")
    ):
        quality = qualities.setdefault(assignment.project_id, rng.choice([1, 2, 2, 3]))
        if decide:
            _review(assignment, criteria, rng, quality, submit=True)
            continue
        # The demo reviewer meets every status: a conflict, a draft, one to do, the rest done.
        step = demo_seen if assignment.reviewer == demo else index % 6 + 3
        demo_seen += assignment.reviewer == demo
        if step == 0:
            services.assignment_declare_conflict(
                assignment=assignment,
                reason="J'ai accompagné cette structure l'an dernier.",
                by=assignment.reviewer,
            )
        elif step in (1, 4):
            _review(assignment, criteria, rng, quality, submit=False)
        elif step not in (2, 7):
            _review(assignment, criteria, rng, quality, submit=True)
    if not decide:
        return
    projects = sorted(
        call.projects.filter(status=ProjectStatus.UNDER_REVIEW),
        key=lambda p: -qualities.get(p.pk, 0),
    )
    for rank, project in enumerate(projects):
        outcome = (
            Outcome.SELECTED
            if rank < len(projects) // 3
            else Outcome.WAITLISTED
            if rank < len(projects) // 2
            else Outcome.REJECTED
        )
        services.decision_record(
            project=project,
            outcome=outcome,
            amount_granted=project.amount_requested if outcome == Outcome.SELECTED else None,
            motivation="Décision du comité de sélection régional.",
            by=User.objects.filter(email=DEMO_FUNDER).first() or reviewers[0],
        )
    services.call_transition(call=call, to=CallStatus.DECIDED, by=None)
