"""The four demo calls, by a Région, a Département and a foundation, over a région, a
département and the whole country, at every stage of their life (open, under review, decided).
Never used in production."""

from datetime import timedelta
from decimal import Decimal

from accounts.models import LegalForm
from demo.accounts import REGION_FUNDER, demo_organisation, demo_siret
from projects import services
from projects.models import Call, CallStatus, FeedbackPolicy, SelfAssessmentPolicy
from territories.models import Departement, Region

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


def demo_call_create(spec, version, now) -> Call:
    """The call of `spec`, on grid `version`, created and opened through the services."""
    funders = list(dict.fromkeys(other["funder"][0] for other in CALLS))
    funder = demo_organisation(
        *spec["funder"], siret=demo_siret(10 + funders.index(spec["funder"][0]))
    )
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
