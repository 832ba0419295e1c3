"""The call ranking on the hand-computed `example` (tests/projects/conftest.py)."""

from decimal import Decimal
from fractions import Fraction as F

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import dashboards
from projects.dashboards import call_ranking
from projects.models import ProjectSummary
from territories.figures import half_up
from tests.factories import AssessmentFactory, AssignmentFactory, ProjectFactory, UserFactory
from tests.projects.helpers import scores, second_reviewer

pytestmark = pytest.mark.django_db

D = Decimal


def test_call_ranking_matches_the_hand_computed_example(example):
    page = dashboards.call_ranking(call=example["call"])

    assert [row.title for row in page.rows] == ["A", "B"]  # W is withdrawn
    assert page.count == 2
    a, b = page.rows
    assert (a.figures.reviews, a.assigned) == (3, 4)
    totals = a.figures.totals
    # Totals are read to ten places (their stored precision); each figure is rounded once.
    shown = [half_up(v, 2) for v in (totals.mean, totals.median, totals.minimum, totals.maximum)]
    assert shown == [D("61.11"), D("50.00"), D("50.00"), D("83.33")]
    assert half_up(totals.range, 2) == D("33.33")
    assert half_up(totals.std_dev, 2) == D("19.25")
    assert a.figures.disagreement is True
    assert a.gate == dashboards.Gate.PASSED
    assert (a.self_assessment.status, a.self_assessment.total) == ("submitted", D("87.5"))
    assert a.outcome == "selected"
    assert a.coverage == F(8, 9)  # criteria scored (2 + 3 + 3) / (3 reviews × 3)
    assert (b.figures.reviews, b.assigned) == (2, 2)
    totals = b.figures.totals
    assert totals.mean == totals.median
    assert half_up(totals.mean, 2) == D("58.33")
    assert half_up(totals.std_dev, 2) == D("11.79")
    assert b.figures.disagreement is False
    assert b.gate == dashboards.Gate.FAILED
    assert b.self_assessment.status is None and b.self_assessment.total is None
    assert b.outcome is None


@pytest.mark.parametrize(
    ("order", "descending", "expected"),
    [
        ("mean", True, ["A", "B"]),
        ("mean", False, ["B", "A"]),
        ("median", True, ["B", "A"]),
        ("std_dev", True, ["A", "B"]),
        ("self", True, ["A", "B"]),  # no self-assessment: last whichever the direction
        ("self", False, ["A", "B"]),
        ("title", False, ["A", "B"]),
        ("territory", False, ["B", "A"]),  # Paris (75) before the Somme (80)
    ],
)
def test_call_ranking_sorts_in_sql(example, order, descending, expected):
    page = dashboards.call_ranking(call=example["call"], order=order, descending=descending)

    assert [row.title for row in page.rows] == expected


def test_call_ranking_filters_by_territory_status_and_decision(example):
    call = example["call"]

    assert [r.title for r in dashboards.call_ranking(call=call, territory="32").rows] == ["A"]
    assert [r.title for r in dashboards.call_ranking(call=call, territory="75").rows] == ["B"]
    assert [r.title for r in dashboards.call_ranking(call=call, outcome="none").rows] == ["B"]
    assert [r.title for r in dashboards.call_ranking(call=call, outcome="selected").rows] == ["A"]
    assert dashboards.call_ranking(call=call, status="selected").rows == []


def test_call_ranking_paginates(example):
    page = dashboards.call_ranking(call=example["call"], page=2, page_size=1)

    assert [row.title for row in page.rows] == ["B"]
    assert (page.count, page.page, page.pages) == (2, 2, 2)


@pytest.mark.parametrize("descending", [True, False])
def test_pages_read_from_either_end_follow_one_order(example, descending):
    """Pages past the middle are read backwards from the index: page by page, every sort
    gives the rows of one whole page, in the same order, ties and projects without a value
    included."""
    call = example["call"]
    reviewer = UserFactory()
    for index in range(7):
        project = ProjectFactory(call=call, submitted=True, title=f"P{index % 3}")
        if index % 4:  # some without a review: no mean, no median, no spread
            AssignmentFactory(project=project, reviewer=reviewer)
            AssessmentFactory(
                project=project, author=reviewer, submitted=True, scores=scores(index % 3, 1, 2)
            )
    for order in sorted(set(dashboards.RANKING_ORDER) - {"corrected"}):
        whole = call_ranking(call=call, order=order, descending=descending, page_size=100)
        paged = []
        for number in range(1, 6):
            page = call_ranking(
                call=call, order=order, descending=descending, page=number, page_size=2
            )
            assert page.count == whole.count == 9
            paged += [row.project_id for row in page.rows]
        assert paged == [row.project_id for row in whole.rows], order


def test_project_aggregate_reads_the_summary_and_computes_without_one():
    """The figures come from the project's summary row (one read by key); a project that has
    none yet (written in bulk, before its rebuild) gets the same figures from its reviews."""
    first = AssignmentFactory(done=True)
    project = first.project
    AssessmentFactory(assignment=first, submitted=True, scores=3)
    AssessmentFactory(assignment=second_reviewer(project, done=True), submitted=True, scores=1)
    from_summary = dashboards.project_aggregate(project=project)

    ProjectSummary.objects.filter(project=project).delete()
    computed = dashboards.project_aggregate(project=project)

    assert from_summary == computed
    assert computed.reviews == 2


@pytest.mark.parametrize("order", sorted(dashboards.RANKING_ORDER))
@pytest.mark.parametrize("descending", [True, False])
def test_every_sort_key_runs_and_keeps_every_row(example, order, descending):
    page = dashboards.call_ranking(call=example["call"], order=order, descending=descending)

    assert sorted(row.title for row in page.rows) == ["A", "B"]


def test_project_aggregate_equals_the_call_ranking_figures():
    first = AssignmentFactory(done=True)
    project = first.project
    AssessmentFactory(assignment=first, submitted=True, scores=3)
    AssessmentFactory(assignment=second_reviewer(project, done=True), submitted=True, scores=1)
    AssessmentFactory(assignment=second_reviewer(project, done=True), submitted=True, scores=2)

    aggregate = dashboards.project_aggregate(project=project)
    (row,) = [r for r in call_ranking(call=project.call).rows if r.project_id == project.pk]

    assert aggregate == row.figures
    assert aggregate.reviews == 3
    spread = aggregate.totals
    assert [half_up(v, 2) for v in (spread.minimum, spread.median, spread.maximum)] == [
        D("33.33"),
        D("66.67"),
        D("100.00"),
    ]


def _row(call, project):
    (row,) = [r for r in dashboards.call_ranking(call=call).rows if r.project_id == project.pk]
    return row


def test_two_reviewers_twenty_points_apart_disagree_and_one_review_has_no_spread(example):
    b = example["b"]  # R1 50, R2 66.67: 16.67 apart, not flagged
    assert _row(example["call"], b).figures.disagreement is False
    reviewer = UserFactory()
    AssignmentFactory(project=b, reviewer=reviewer, done=True)
    # 2, 2, 1 → 100 × (2 + 1 + 0.5) / 4 = 87.5: 37.5 points above R1's 50.
    AssessmentFactory(project=b, author=reviewer, submitted=True, scores=scores(2, 2, 1))

    row = _row(example["call"], b)

    assert row.figures.totals.range == F(175, 2) - 50  # 87.5 − 50: over 20 points
    assert row.figures.disagreement is True
    single = ProjectFactory(call=example["call"], submitted=True)
    AssignmentFactory(project=single, reviewer=reviewer, done=True)
    AssessmentFactory(project=single, author=reviewer, submitted=True, scores=scores(1, 1, 1))
    lone = _row(example["call"], single).figures
    assert (lone.totals.count, lone.totals.std_dev, lone.totals.range) == (1, None, 0)


def test_a_review_all_not_applicable_counts_without_a_total(example):
    project = ProjectFactory(call=example["call"], submitted=True)
    first, second = UserFactory(), UserFactory()
    for reviewer in (first, second):
        AssignmentFactory(project=project, reviewer=reviewer, done=True)
    AssessmentFactory(project=project, author=first, submitted=True, scores=scores(2, 2, 2))
    AssessmentFactory(
        project=project, author=second, submitted=True, scores=scores(None, None, None)
    )

    row = _row(example["call"], project)
    progress = dashboards.call_progress(call=example["call"])

    assert (row.figures.reviews, row.figures.without_total, row.figures.totals.count) == (2, 1, 1)
    assert row.figures.totals.mean == 100
    assert {r["reviewer_id"]: r["done"] for r in progress["reviewers"]}[second.pk] == 1
    assert dashboards.project_aggregate(project=project) == row.figures


def test_the_core_gate_is_unassessed_without_a_reviewer_score_on_a_threshold(example):
    project = ProjectFactory(call=example["call"], submitted=True)
    reviewer = UserFactory()
    AssignmentFactory(project=project, reviewer=reviewer, done=True)
    # K1 (core, threshold 1) marked "sans objet" by the only reviewer: nothing to judge by.
    AssessmentFactory(project=project, author=reviewer, submitted=True, scores=scores(None, 2, 2))
    unreviewed = ProjectFactory(call=example["call"], submitted=True)

    assert _row(example["call"], project).gate == dashboards.Gate.UNASSESSED
    assert _row(example["call"], unreviewed).gate == dashboards.Gate.UNASSESSED
    criteria = dashboards.project_criteria(project=project)
    assert dashboards.project_gate(criteria) == dashboards.Gate.UNASSESSED


def test_a_draft_self_assessment_is_no_figure(example):
    project = ProjectFactory(call=example["call"], submitted=True)
    AssessmentFactory(project=project, self_assessment=True, scores={"K1": 2, "K2": None})

    own = _row(example["call"], project).self_assessment

    assert (own.status, own.total, own.answered, own.criteria) == ("draft", None, 2, 3)
    assert [c.self_value for c in dashboards.project_criteria(project=project)] == [None] * 3


@pytest.mark.parametrize("order", ["mean", "median", "title"])
def test_a_page_skips_the_rows_before_it_in_the_index_alone(example, order):
    """On PostgreSQL the rows before a page are skipped by an index-only scan of the sort
    key's partial index (visible rows): the middle page of a large call costs what the first
    does, instead of reading every summary row before it."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    call = example["call"]
    with CaptureQueriesContext(connection) as captured:
        call_ranking(call=call, order=order, page=2, page_size=1)
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Only Scan using summary_{order}_" in plan
