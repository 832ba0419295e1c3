"""The benchmark's standard data set, fixed so that figures compare with other tools on
identical numbers: one call, 2,000 submitted projects, 5 reviewers who each submitted an
assessment of every project, a grid version of 20 criteria (8 core, 12 complementary), scale
0–5, weight 1 everywhere. Project i is in the (i mod 101)-th département of the territories file.
Scores come from random.Random(20260).randint(0, 5) in the order project → reviewer → criterion
(their sum, 498,889, is the check sum); every other project gets a self-assessment drawn from
random.Random(20261).

Any number of projects keeps that shape (`bench --projects 20000`): the first 2,000 projects
are the standard set, and the check sum is that of the same draws (`bench_expected_sum`).
With `thresholds`, the 8 core criteria get an eliminatory threshold (`THRESHOLD`), the case
where the core gate compares every project's reviewers' means.
"""

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import LegalForm, Membership, Organisation, Role, User
from grid.services import grid_version_import, grid_version_publish
from projects.models import Assessment, Assignment, Call, Project, Score
from projects.scoring import CriterionSpec, summarise
from projects.services import rebuild_summaries
from territories.models import Commune, Departement

PROJECTS = 2000
REVIEWERS = 5
CRITERIA = 20
CORE = 8
SCORE_SEED = 20260
SELF_SEED = 20261
EXPECTED_SUM = 498_889
CALL_TITLE = "Banc d'essai — appel mesuré"
BATCH = 5000
THRESHOLD = 2  # on the 0–5 scale, with --thresholds


def bench_expected_sum(projects: int = PROJECTS) -> int:
    """The check sum of `projects` projects of the shared data shape, from the draws alone."""
    draw = random.Random(SCORE_SEED).randint
    return sum(draw(0, 5) for _score in range(projects * REVIEWERS * CRITERIA))


def bench_payload(*, thresholds: bool = False) -> dict:
    """The bench's grid, in the interchange format: CRITERIA criteria over 4 axes, the first
    CORE of them core, scale 0–5, weight 1 for both kinds; with `thresholds`, an eliminatory
    threshold on each core criterion."""
    return {
        "slug": "banc-essai",
        "name": {"fr": "Grille du banc d'essai"},
        "version_label": "Banc d'essai",
        "scale": {
            "min": 0,
            "max": 5,
            "levels": [{"value": value, "fr": f"Niveau {value}"} for value in range(6)],
            "allows_not_applicable": True,
        },
        "default_weights": {"core": 1, "complementary": 1},
        "axes": [{"code": f"A{index}", "fr": f"Axe {index}"} for index in range(1, 5)],
        "criteria": [
            {
                "code": f"C{index:02d}",
                "axis": f"A{(index - 1) // 5 + 1}",
                "kind": "core" if index <= CORE else "complementary",
                "fr": f"Critère {index}",
                "threshold": THRESHOLD if thresholds and index <= CORE else None,
            }
            for index in range(1, CRITERIA + 1)
        ],
    }


def bench_score_sum(*, call) -> int:
    """The sum of the call's review scores: EXPECTED_SUM on the standard data set."""
    scores = Score.objects.filter(assessment__project__call=call, assessment__kind="review")
    return sum(scores.values_list("value", flat=True))


@transaction.atomic
def bench_seed(*, project_count: int = PROJECTS, thresholds: bool = False) -> tuple[Call, int]:
    """Create the standard data set (`project_count` projects in the measured call) and a draft
    project in a small open call; returns the measured call and the sum of its review
    scores."""
    now = timezone.now()
    version = grid_version_import(payload=bench_payload(thresholds=thresholds))
    grid_version_publish(version=version)
    criteria = list(version.criteria.in_form_order())
    specs = [CriterionSpec.of(criterion) for criterion in criteria]

    departements = list(Departement.objects.order_by("position"))
    communes = Commune.objects.in_bulk([d.chef_lieu for d in departements])
    funder_org = Organisation.objects.create(
        name="Financeur du banc d'essai", legal_form=LegalForm.COLLECTIVITY
    )
    holder_org = Organisation.objects.create(
        name="Porteur du banc d'essai", legal_form=LegalForm.ASSOCIATION
    )
    funder = User.objects.create_user(
        email="financeur@banc.invalid", password=None, full_name="Financeur"
    )
    holder = User.objects.create_user(
        email="porteur@banc.invalid", password=None, full_name="Porteur"
    )
    reviewers = [
        User.objects.create_user(
            email=f"evaluateur{index}@banc.invalid",
            password=None,
            full_name=f"Évaluateur {index}",
        )
        for index in range(1, REVIEWERS + 1)
    ]
    Membership.objects.create(user=funder, organisation=funder_org, role=Role.FUNDER)
    Membership.objects.create(user=holder, organisation=holder_org, role=Role.HOLDER)
    for reviewer in reviewers:
        Membership.objects.create(user=reviewer, organisation=funder_org, role=Role.REVIEWER)
    call = Call.objects.create(
        funder=funder_org,
        title=CALL_TITLE,
        grid_version=version,
        opens_at=now - timezone.timedelta(days=60),
        closes_at=now - timezone.timedelta(days=30),
        status="review",
    )
    # bulk_create skips Project.save(): the territory and the search text are set here as
    # derive_territory and derive_search_text would.
    projects = [
        Project(
            call=call,
            organisation=holder_org,
            owner=holder,
            title=f"Projet {index:04d}",
            status="submitted",
            submitted_at=now,
            commune=communes.get(departement.chef_lieu),
            departement_id=departement.code,
            region_id=departement.region_id,
            amount_requested=Decimal(10000 + index),
        )
        for index in range(project_count)
        for departement in [departements[index % len(departements)]]
    ]
    for project in projects:
        project.derive_search_text()
    projects = Project.objects.bulk_create(projects, batch_size=BATCH)
    Assignment.objects.bulk_create(
        [
            Assignment(project=project, reviewer=reviewer, state="done")
            for project in projects
            for reviewer in reviewers
        ],
        batch_size=BATCH,
    )

    score_rng, self_rng = random.Random(SCORE_SEED), random.Random(SELF_SEED)
    assessments, values_of, total = [], [], 0
    for index, project in enumerate(projects):
        for reviewer in reviewers:
            values = [score_rng.randint(0, 5) for _criterion in criteria]
            total += sum(values)
            assessments.append(_assessment(project, reviewer, "review", specs, values, now))
            values_of.append(values)
        if index % 2 == 0:
            values = [self_rng.randint(0, 5) for _criterion in criteria]
            assessments.append(_assessment(project, holder, "self", specs, values, now))
            values_of.append(values)
    assessments = Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    Score.objects.bulk_create(
        (
            Score(
                assessment_id=assessment.pk,
                criterion_id=criterion.pk,
                value=value,
                scale_min=criterion.scale_min,
                scale_max=criterion.scale_max,
            )
            for assessment, values in zip(assessments, values_of, strict=True)
            for criterion, value in zip(criteria, values, strict=True)
        ),
        batch_size=BATCH,
    )
    # A draft project of the same holder in a small call around the measured one: the
    # self-assessment form needs an editable project (measured too, beside the budgeted pages).
    small_call = Call.objects.create(
        funder=funder_org,
        title="Banc d'essai — petit appel ouvert",
        grid_version=version,
        opens_at=now - timezone.timedelta(days=1),
        closes_at=now + timezone.timedelta(days=30),
        status="open",
    )
    Project.objects.create(
        call=small_call, organisation=holder_org, owner=holder, title="Projet en cours"
    )
    # bulk_create skips the receivers that maintain the dashboards' summaries: one pass.
    rebuild_summaries(call=call)
    return call, total


def _assessment(project, author, kind, specs, values, now) -> Assessment:
    """An assessment with totals from the one scoring function, ready for bulk_create."""
    summary = summarise(specs, {spec.id: value for spec, value in zip(specs, values, strict=True)})
    assessment = Assessment(
        project=project,
        author=author,
        kind=kind,
        grid_version_id=project.call.grid_version_id,
        status="submitted",
        submitted_at=now,
        total=summary.total,
        core_total=summary.core_total,
        scored_count=summary.scored,
        core_scored_count=summary.core_scored,
    )
    assessment.exact_total = summary.exact_total
    return assessment
