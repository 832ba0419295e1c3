"""Every dashboard figure against a plain recomputation from design §4 (tests/projects/
recompute.py), on random calls: weights, scales, N/A (all-N/A reviews too), thresholds,
drafts, conflicts, recusals, withdrawals, two grid versions, overseas départements, 0 to 6
reviewers a project, self-assessments and decisions.

The data is written through the application's services (grids imported and published,
scores saved and assessments submitted), and the stored totals are checked against the
scoring rule (exact fraction and ten-place decimal). Each figure is compared twice:
- the pipeline: equal to the recomputation from the exact totals (no rounding along the
  way: a mean or a bias on a rounding boundary stays on it), exactly;
- the display: rounded once, half-up, equal to the exact figure rounded once by hand.
Figures of raw scores, counts and amounts are compared exactly.
"""

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from grid.models import Criterion
from grid.services import grid_version_import, grid_version_publish
from projects import dashboards
from projects.dashboards.summaries import summaries_mismatches
from projects.models import Assessment, Decision, Project
from projects.services import (
    assessment_save_scores,
    assessment_submit,
    refresh_project_summary,
    self_assessment_get_or_create,
    stored_totals_match,
)
from territories.figures import half_up
from territories.models import Departement, Region
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    UserFactory,
)
from tests.projects import recompute as R

pytestmark = pytest.mark.django_db

# Stored totals keep this many decimals (the model's field says how many).
STORED_PLACES = Assessment._meta.get_field("total").decimal_places
DISPLAY_PLACES = (2, 1)

WEIGHTS = ("0.5", "1", "1.5", "2", "3")
SCALES = ((0, 3), (1, 4), (1, 5), (0, 10))
# commune → (département, région): two in Hauts-de-France, Paris, Lyon and three overseas.
COMMUNES = {
    "80021": ("80", "32"),
    "02691": ("02", "32"),
    "75056": ("75", "11"),
    "69123": ("69", "84"),
    "97101": ("971", "01"),
    "97411": ("974", "04"),
    "97611": ("976", "06"),
}
PROJECT_STATUSES = (
    "submitted",
    "under_review",
    "selected",
    "rejected",
    "waitlisted",
    "draft",
    "withdrawn",
)
VISIBLE_STATUSES = PROJECT_STATUSES[:5]
# Weighted towards the common cases, so that most projects have several reviews that count.
ASSIGNMENT_STATES = (None, "assigned", "done", "done", "conflict", "recused")
REVIEW_STATUSES = (None, "draft", "submitted", "submitted", "submitted")

_slugs = itertools.count()


# --- generator -------------------------------------------------------------------------------


@st.composite
def criterion_specs(draw, na):
    low, high = draw(st.sampled_from(SCALES))
    return {
        "core": draw(st.booleans()),
        "weight": draw(st.sampled_from(WEIGHTS)),
        "low": low,
        "high": high,
        # on complementary criteria too: the gate must ignore those
        "threshold": draw(st.none() | st.integers(low, high)),
        "na": draw(st.booleans()) if na is None else na,
    }


@st.composite
def version_specs(draw):
    na = draw(
        st.sampled_from([False, None, True, True])
    )  # none, some or every criterion allows N/A
    crits = draw(st.lists(criterion_specs(na), min_size=2, max_size=8))
    if not any(crit["core"] for crit in crits):
        crits[0]["core"] = True
    return crits


@st.composite
def answers(draw, crits, complete):
    """{criterion index: value or None (N/A)}: every criterion when `complete`, else some."""
    if complete and all(crit["na"] for crit in crits) and draw(st.integers(0, 2)) == 0:
        return dict.fromkeys(range(len(crits)))  # a review whose criteria are all N/A
    result = {}
    for index, crit in enumerate(crits):
        if not complete and not draw(st.booleans()):
            continue
        value = st.integers(crit["low"], crit["high"])
        result[index] = draw(st.none() | value if crit["na"] else value)
    return result


@st.composite
def project_specs(draw, crits, pool):
    outcome = draw(st.sampled_from([None, "selected", "rejected", "waitlisted"]))
    self_status = draw(st.sampled_from([None, "draft", "submitted"]))
    reviews = []
    order = draw(st.permutations(range(pool)))
    for reviewer in order[: draw(st.integers(0, pool))]:
        status = draw(st.sampled_from(REVIEW_STATUSES))
        reviews.append(
            {
                "reviewer": reviewer,
                "state": draw(st.sampled_from(ASSIGNMENT_STATES)),
                "status": status,
                "values": draw(answers(crits, status == "submitted")) if status else {},
            }
        )
    return {
        # hidden statuses (draft, withdrawn) one time in five
        "status": draw(st.sampled_from(PROJECT_STATUSES) | st.sampled_from(VISIBLE_STATUSES)),
        "commune": draw(st.sampled_from(sorted(COMMUNES))),
        "requested": draw(st.none() | st.integers(0, 10_000_000)),  # cents
        "outcome": outcome,
        # Decisions are proposed, then published: only published ones are public figures.
        "published": draw(st.booleans()),
        "granted": (
            draw(st.none() | st.integers(0, 10_000_000)) if outcome == "selected" else None
        ),
        "self_status": self_status,
        "self_values": (draw(answers(crits, self_status == "submitted")) if self_status else {}),
        "reviews": reviews,
    }


@st.composite
def scenarios(draw):
    """Two grid versions; a call on the first with 1–6 projects, one on the second with 0–3,
    sometimes another on the first with 0–2; a pool of 1–6 reviewers shared by the calls."""
    versions = [draw(version_specs()), draw(version_specs())]
    pool = draw(st.integers(1, 6))
    layout = [(0, 1, 6), (1, 0, 3)]
    if draw(st.booleans()):
        layout.append((0, 0, 2))
    calls = [
        {
            "version": version,
            "projects": draw(
                st.lists(project_specs(versions[version], pool), min_size=low, max_size=high)
            ),
        }
        for version, low, high in layout
    ]
    return {"versions": versions, "pool": pool, "calls": calls}


# --- building the data through the services --------------------------------------------------


def _euros(cents):
    return None if cents is None else Decimal(cents).scaleb(-2)


def _version(crits):
    slug = f"propriete-{next(_slugs)}"
    payload = {
        "slug": slug,
        "name": {"fr": f"Grille {slug}"},
        "version_label": "Essai",
        "axes": [{"code": "A", "fr": "Axe"}],
        "criteria": [
            {
                "code": f"K{index}",
                "axis": "A",
                "kind": "core" if crit["core"] else "complementary",
                "fr": f"Critère {index}",
                "weight": crit["weight"],
                "scale": {
                    "min": crit["low"],
                    "max": crit["high"],
                    "levels": [
                        {"value": value, "fr": f"Niveau {value}"}
                        for value in range(crit["low"], crit["high"] + 1)
                    ],
                },
                "allows_not_applicable": crit["na"],
                "threshold": crit["threshold"],
            }
            for index, crit in enumerate(crits, start=1)
        ],
    }
    version = grid_version_import(payload=payload)
    grid_version_publish(version=version)
    ids = dict(Criterion.objects.filter(version=version).values_list("code", "pk"))
    plain = [
        R.Crit(
            id=ids[f"K{index}"],
            code=f"K{index}",
            core=crit["core"],
            weight=Fraction(crit["weight"]),
            low=crit["low"],
            high=crit["high"],
            threshold=crit["threshold"],
        )
        for index, crit in enumerate(crits, start=1)
    ]
    return version, plain


def _scores(crits, values):
    return {crits[index].id: (value, "") for index, value in values.items()}


def build(spec):
    """Write the scenario; return its calls, each with its version, criteria and projects
    (plain data for the recomputation)."""
    versions = [_version(crits) for crits in spec["versions"]]
    users = [UserFactory(full_name=f"Évaluateur {index}") for index in range(spec["pool"])]
    decider = UserFactory(full_name="Financeur")
    communes = {}
    calls = []
    for call_spec in spec["calls"]:
        version, crits = versions[call_spec["version"]]
        call = CallFactory(grid_version=version, review=True)
        projects = []
        for ps in call_spec["projects"]:
            project = ProjectFactory(
                call=call,
                complete=True,
                commune_id=ps["commune"],
                amount_requested=_euros(ps["requested"]),
            )
            communes[project.pk] = (project.departement_id, project.region_id)
            if ps["self_status"]:
                own = self_assessment_get_or_create(project=project, by=project.owner)
                if ps["self_values"]:
                    assessment_save_scores(
                        assessment=own,
                        scores=_scores(crits, ps["self_values"]),
                        by=project.owner,
                        row_version=own.row_version,
                    )
                if ps["self_status"] == "submitted":
                    assessment_submit(assessment=own, by=project.owner)
            if ps["status"] != "draft":
                # A bulk write skips the receivers: it refreshes the summaries itself.
                Project.objects.filter(pk=project.pk).update(
                    status=ps["status"], submitted_at=timezone.now()
                )
                refresh_project_summary(project=project.pk)
            plain = R.Proj(
                id=project.pk,
                call=call.pk,
                status=ps["status"],
                departement=COMMUNES[ps["commune"]][0],
                region=COMMUNES[ps["commune"]][1],
                requested=Fraction(ps["requested"] or 0, 100),
                outcome=ps["outcome"],
                published=bool(ps["outcome"]) and ps["published"],
                granted=None if ps["granted"] is None else Fraction(ps["granted"], 100),
                self_status=ps["self_status"],
                self_values={crits[i].id: v for i, v in ps["self_values"].items()},
                assignments={},
            )
            for entry in ps["reviews"]:
                user = users[entry["reviewer"]]
                if entry["state"]:
                    AssignmentFactory(
                        project=project,
                        reviewer=user,
                        state=entry["state"],
                        conflict_reason="Lien avec la structure." * (entry["state"] == "conflict"),
                    )
                    plain.assignments[user.pk] = entry["state"]
                if entry["status"]:
                    review = AssessmentFactory(project=project, author=user)
                    if entry["values"]:
                        assessment_save_scores(
                            assessment=review,
                            scores=_scores(crits, entry["values"]),
                            by=user,
                            row_version=review.row_version,
                        )
                    if entry["status"] == "submitted":
                        assessment_submit(assessment=review, by=user)
                    plain.reviews.append(
                        R.Review(
                            author=user.pk,
                            name=user.full_name,
                            status=entry["status"],
                            values={crits[i].id: v for i, v in entry["values"].items()},
                        )
                    )
            if ps["outcome"]:
                Decision.objects.create(
                    project=project,
                    outcome=ps["outcome"],
                    amount_granted=_euros(ps["granted"]),
                    decided_by=decider,
                    status="published" if ps["published"] else "proposed",
                    published_at=timezone.now() if ps["published"] else None,
                )
            projects.append(plain)
        calls.append({"call": call, "version": version, "crits": crits, "projects": projects})
    # The territory is derived from the commune, as the recomputation assumes.
    for plain in (p for c in calls for p in c["projects"]):
        assert communes[plain.id] == (plain.departement, plain.region)
    return calls


# --- comparisons -----------------------------------------------------------------------------


def assert_total_figure(actual, exact, what):
    """A figure of totals: equal to the exact recomputation, and shown as the exact figure is
    when rounded once."""
    assert actual == exact, f"{what}: {actual} ≠ {exact} (exact)"
    for places in DISPLAY_PLACES:
        assert half_up(actual, places) == R.shown(exact, places), (
            f"{what} shown to {places} places: {half_up(actual, places)} ≠ "
            f"{R.shown(exact, places)} (exact {exact})"
        )


def assert_spread(actual, exact, what):
    for name in ("mean", "median", "minimum", "maximum", "range"):
        assert_total_figure(getattr(actual, name), exact[name], f"{what} {name}")
    assert actual.count == exact["count"], f"{what} count"
    if exact["variance"] is None:
        assert actual.std_dev is None, f"{what} std_dev with {exact['count']} totals"
        return
    # 40 significant digits of √(exact variance), shown as √(exact variance) is.
    square = Fraction(actual.std_dev) ** 2
    assert abs(square - exact["variance"]) <= exact["variance"] * Fraction(1, 10**35) + Fraction(
        1, 10**60
    ), f"{what} std_dev {actual.std_dev}² ≠ {exact['variance']}"
    for places in DISPLAY_PLACES:
        assert half_up(actual.std_dev, places) == R.shown_root(exact["variance"], places), (
            f"{what} std_dev shown to {places} places: {half_up(actual.std_dev, places)} ≠ "
            f"{R.shown_root(exact['variance'], places)} (exact variance {exact['variance']})"
        )


def assert_review_figures(actual, project, crits, what):
    exact = R.figures(project, crits)
    assert actual.reviews == exact["reviews"], f"{what} reviews"
    assert actual.without_total == exact["without_total"], f"{what} without total"
    assert actual.disagreement == exact["disagreement"], f"{what} disagreement"
    assert_spread(actual.totals, exact, what)
    return exact


def check_call(entry):
    call, crits, projects = entry["call"], entry["crits"], entry["projects"]
    by_id = {project.id: project for project in projects}
    visible = {project.id for project in projects if project.visible}

    # Ranking: one row per visible project, every figure of the row.
    page = dashboards.call_ranking(call=call, page_size=1000)
    assert page.count == len(visible)
    assert {row.project_id for row in page.rows} == visible
    for row in page.rows:
        project = by_id[row.project_id]
        what = f"project {project.id} ({project.status})"
        exact = assert_review_figures(row.figures, project, crits, what)
        assert row.assigned == exact["assigned"], f"{what} assigned"
        assert row.coverage == exact["coverage"], f"{what} coverage"
        assert (None if row.gate is None else str(row.gate)) == exact["gate"], f"{what} gate"
        assert (row.departement_code, row.status) == (project.departement, project.status)
        assert row.outcome == project.outcome
        own = R.self_figure(project, crits)
        figure = row.self_assessment
        assert figure.status == own["status"], f"{what} self status"
        assert_total_figure(figure.total, own["total"], f"{what} self")
        if own["answered"] is not None:
            assert figure.answered == own["answered"], f"{what} draft self answered"
        assert figure.criteria == len(crits)
        alone = dashboards.project_self_figure(
            project=Project.objects.get(pk=project.id), criteria=len(crits)
        )
        assert (alone.status, alone.total) == (figure.status, figure.total), f"{what} self"
        if own["answered"] is not None:
            assert alone.answered == own["answered"], f"{what} draft self answered"

        # One project's pages: the same figures, and per criterion.
        aggregate = dashboards.project_aggregate(project=Project.objects.get(pk=project.id))
        assert aggregate == row.figures, f"{what}: project_aggregate ≠ ranking row"
        model = Project.objects.select_related("call").get(pk=project.id)
        analysis = dashboards.project_criteria(project=model)
        expected = R.criteria_analysis(project, crits)
        assert [item.id for item in analysis] == [crit.id for crit in crits]
        for item in analysis:
            want = expected[item.id]
            for name, value in want.items():
                assert getattr(item, name) == value, f"{what} {item.code} {name}"
        assert dashboards.project_gate(analysis) == row.gate, f"{what} project_gate"
        scores = dashboards.project_reviewer_scores(project=model)["reviewers"]
        counted = {review.author: review for review in R.counted(project)}
        assert {reviewer["author_id"] for reviewer in scores} == set(counted)
        for reviewer in scores:
            review = counted[reviewer["author_id"]]
            assert reviewer["values"] == review.values, f"{what} scores of {review.name}"
            assert_total_figure(
                reviewer["total"],
                R.total(crits, review.values),
                f"{what} total of {review.name}",
            )

    # The ranking's default order: highest mean first, projects without one last.
    means = [row.figures.totals.mean for row in page.rows]
    with_mean = [mean for mean in means if mean is not None]
    assert means == with_mean + [None] * (len(means) - len(with_mean))
    assert with_mean == sorted(with_mean, reverse=True)

    # The ranking's filters: territory (région or département), status, decision.
    for territory in ("32", "971"):
        rows = dashboards.call_ranking(call=call, territory=territory, page_size=1000).rows
        assert {row.project_id for row in rows} == {
            p.id for p in projects if p.visible and territory in (p.region, p.departement)
        }, f"ranking filtered on {territory}"
    for outcome in ("none", "selected"):
        rows = dashboards.call_ranking(call=call, outcome=outcome, page_size=1000).rows
        wanted = None if outcome == "none" else outcome
        assert {row.project_id for row in rows} == {
            p.id for p in projects if p.visible and p.outcome == wanted
        }, f"ranking filtered on decision {outcome}"
    rows = dashboards.call_ranking(call=call, status="withdrawn", page_size=1000).rows
    assert rows == [], "a withdrawn project is never ranked"

    # Calibration.
    calibration = {item.name: item for item in dashboards.reviewer_calibration(call=call)}
    exact = R.calibration(projects, crits)
    assert set(calibration) == set(exact)
    for name, item in calibration.items():
        assert (item.reviews, item.shared) == (exact[name]["reviews"], exact[name]["shared"]), (
            f"calibration of {name}"
        )
        for figure in ("mean_total", "bias"):
            assert_total_figure(
                getattr(item, figure),
                exact[name][figure],
                f"calibration {figure} of {name}",
            )

    # Progress.
    progress = dashboards.call_progress(call=call)
    want = R.progress(projects)
    assert (progress["expected"], progress["done"], progress["share"]) == (
        want["expected"],
        want["done"],
        want["share"],
    )
    assert {
        row["reviewer_id"]: [row["expected"], row["done"]] for row in progress["reviewers"]
    } == (want["reviewers"])

    # Distribution of levels, each criterion on its own scale.
    distribution = dashboards.criterion_distribution(call=call)
    want = R.distribution(projects, crits)
    assert [item["criterion"].pk for item in distribution] == [crit.id for crit in crits]
    for item, crit in zip(distribution, crits, strict=True):
        counts = want[crit.id]
        assert item["levels"] == [
            (value, counts.get(value, 0)) for value in range(crit.low, crit.high + 1)
        ], f"distribution of {crit.code}"
        assert item["not_applicable"] == counts.get(None, 0)


def check_territories(calls, version):
    """Territory figures and heatmap over the calls of one version, and over each call."""
    chosen = [entry for entry in calls if entry["version"] == version]
    crits = chosen[0]["crits"]
    crits_of = {entry["call"].pk: entry["crits"] for entry in calls}
    subsets = [chosen] + ([[entry] for entry in chosen] if len(chosen) > 1 else [])
    for subset in subsets:
        call_ids = [entry["call"].pk for entry in subset]
        projects = [project for entry in subset for project in entry["projects"]]
        for level, region in (("region", ""), ("departement", ""), ("departement", "32")):
            rows = dashboards.territory_figures(call_ids=call_ids, level=level, region=region)
            table = Region if level == "region" else Departement
            codes = table.objects.filter(**({"region_id": region} if region else {}))
            assert [row.code for row in rows] == list(
                codes.order_by("position").values_list("code", flat=True)
            )
            exact = R.territory(projects, lambda p: crits_of[p.call], level)
            for row in rows:
                what = f"territory {row.code} ({level}) of calls {call_ids}"
                want = exact.get(row.code)
                if want is None:
                    assert (row.submitted, row.assessed, row.decided, row.selected) == (0,) * 4
                    assert (row.requested, row.granted, row.scored_projects) == (0, 0, 0)
                    assert row.mean_total is None and row.success_rate is None, what
                    continue
                for name in (
                    "submitted",
                    "assessed",
                    "decided",
                    "selected",
                    "requested",
                    "granted",
                    "scored_projects",
                    "success_rate",
                ):
                    assert getattr(row, name) == want[name], f"{what} {name}"
                assert row.per_100k == Fraction(want["submitted"] * 100_000, row.population)
                assert_total_figure(
                    row.mean_total,
                    want["mean_total"],
                    f"{what} mean total",
                )
            for heat_level, heat_region in (("region", ""), ("departement", "32")):
                heat = dashboards.territory_criterion_heatmap(
                    call_ids=call_ids,
                    version_id=chosen[0]["version"].pk,
                    level=heat_level,
                    region=heat_region,
                )
                kept = [
                    project
                    for project in projects
                    if not heat_region or project.region == heat_region
                ]
                assert heat == R.heatmap(kept, crits, heat_level), f"heatmap {heat_level}"
    # Calls of both versions chosen: the heatmap of one version keeps its own criteria only
    # (the other version's criteria have the same codes, other scales and weights).
    everything = [project for entry in calls for project in entry["projects"]]
    heat = dashboards.territory_criterion_heatmap(
        call_ids=[entry["call"].pk for entry in calls],
        version_id=chosen[0]["version"].pk,
        level="departement",
    )
    assert heat == R.heatmap(everything, crits, "departement"), "heatmap across versions"


def note_cases(calls):
    """Hypothesis statistics (`--hypothesis-show-statistics`): the cases the data reached."""
    for entry in calls:
        crits = entry["crits"]
        for project in entry["projects"]:
            figures = R.figures(project, crits)
            event(f"project {project.status}")
            event(f"gate {figures['gate']}")
            event(f"{figures['reviews']} reviews that count")
            if figures["without_total"]:
                event("an all-N/A review counted")
            if figures["disagreement"]:
                event("disagreement")
            if project.self_status:
                event(f"self-assessment {project.self_status}")
            if project.departement.startswith("97"):
                event("overseas project")
            if any(state in R.EXCLUDED for state in project.assignments.values()):
                event("conflict or recusal")
        if any(item["shared"] for item in R.calibration(entry["projects"], crits).values()):
            event("a reviewer's bias against others")


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=scenarios())
def test_every_dashboard_figure_equals_the_recomputation(spec):
    with transaction.atomic():
        calls = build(spec)
        note_cases(calls)
        for assessment in Assessment.objects.filter(project__call__in=[c["call"] for c in calls]):
            assert stored_totals_match(assessment)
            crits = [c for entry in calls for c in entry["crits"]]
            values = dict(assessment.scores.values_list("criterion_id", "value"))
            plain = R.total(crits, values, STORED_PLACES)
            assert assessment.total == plain, f"stored total of assessment {assessment.pk}"
            exact = R.total(crits, values)
            assert assessment.exact_total == exact, f"exact total of assessment {assessment.pk}"
        for entry in calls:
            # The summaries the dashboards read equal a recomputation from the raw reviews.
            assert summaries_mismatches(call=entry["call"]) == []
            check_call(entry)
        for version in {entry["version"] for entry in calls}:
            check_territories(calls, version)
        transaction.set_rollback(True)
