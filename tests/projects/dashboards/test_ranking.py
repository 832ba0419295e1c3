"""The call ranking on the hand-computed `example` (tests/projects/conftest.py)."""

from decimal import Decimal

import pytest

from projects import dashboards
from projects.dashboards import call_ranking
from tests.factories import AssessmentFactory, AssignmentFactory
from tests.projects.helpers import second_reviewer

pytestmark = pytest.mark.django_db

D = Decimal


def test_call_ranking_matches_the_hand_computed_example(example):
    page = dashboards.call_ranking(call=example["call"])

    assert [row.title for row in page.rows] == ["A", "B"]  # W is withdrawn
    assert page.count == 2
    a, b = page.rows
    assert (a.reviews, a.assigned) == (3, 4)
    assert (a.mean, a.median, a.minimum, a.maximum) == (D("61.11"), D("50.00"), D("50"), D("83.33"))
    assert a.std_dev == D("15.71")
    assert a.disagreement is True
    assert a.gate_passed is True
    assert a.self_total == D("87.50")
    assert a.outcome == "selected"
    assert a.coverage == D("88.9")  # (0.667 + 1 + 1) / 3
    assert (b.reviews, b.assigned) == (2, 2)
    assert (b.mean, b.median, b.std_dev) == (D("58.34"), D("58.34"), D("8.34"))
    assert b.disagreement is False
    assert b.gate_passed is False
    assert b.self_total is None
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

    assert aggregate.count == row.reviews == 3
    assert (aggregate.mean, aggregate.median, aggregate.minimum, aggregate.maximum) == (
        row.mean,
        row.median,
        row.minimum,
        row.maximum,
    )
    assert aggregate.stdev == row.std_dev
    assert (aggregate.minimum, aggregate.median, aggregate.maximum) == (
        Decimal("33.33"),
        Decimal("66.67"),
        Decimal("100.00"),
    )
