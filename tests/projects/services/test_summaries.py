"""The dashboards' summaries: maintained on every write, rebuilt in one pass after bulk
writes, and proved equal to a recomputation from the raw reviews."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from projects import dashboards
from projects.dashboards.summaries import summaries_mismatches
from projects.models import Assignment, ProjectSummary, ReviewerSummary
from projects.services import (
    assignment_declare_conflict,
    project_withdraw,
    rebuild_summaries,
    refresh_project_summary,
)
from tests.factories import AssessmentFactory, AssignmentFactory, ProjectFactory, UserFactory
from tests.projects.helpers import scores

pytestmark = pytest.mark.django_db


def test_summaries_of_the_example_equal_a_recomputation(example):
    assert summaries_mismatches(call=example["call"]) == []
    summary = ProjectSummary.objects.get(project=example["a"])
    assert (summary.reviews, summary.scored, summary.assigned) == (3, 3, 4)
    assert sorted(int(unit) for unit in summary.totals.split(",")) == [
        500000000000,
        500000000000,
        833333333333,
    ]


def test_a_submitted_review_updates_its_project_and_reviewer_in_the_same_transaction(example):
    project = ProjectFactory(call=example["call"], submitted=True)
    reviewer = UserFactory()
    AssignmentFactory(project=project, reviewer=reviewer)
    assert ReviewerSummary.objects.get(call=example["call"], reviewer=reviewer).done == 0

    AssessmentFactory(project=project, author=reviewer, submitted=True, scores=scores(2, 2, 2))

    summary = ProjectSummary.objects.get(project=project)
    assert (summary.reviews, summary.sum_units, summary.gate_code) == (1, 100 * 10**10, 2)
    assert ReviewerSummary.objects.get(call=example["call"], reviewer=reviewer).done == 1
    assert summaries_mismatches(call=example["call"]) == []


def test_a_conflict_and_a_withdrawal_leave_the_summaries_exact(example):
    a = example["a"]
    assignment = Assignment.objects.filter(project=a, state="assigned").first()
    assignment_declare_conflict(
        assignment=assignment, by=assignment.reviewer, reason="Lien avec la structure."
    )
    assert summaries_mismatches(call=example["call"]) == []

    project_withdraw(project=example["b"], by=example["b"].owner)

    assert summaries_mismatches(call=example["call"]) == []


def test_a_bulk_write_is_caught_by_the_check_and_repaired_by_a_rebuild(example):
    # update() skips the receivers, as bulk writes do.
    Assignment.objects.filter(project=example["a"]).update(state="recused")
    assert f"projet {example['a'].pk}" in summaries_mismatches(call=example["call"])
    with pytest.raises(CommandError, match="Synthèses incohérentes"):
        call_command("check_assessment_totals", stdout=StringIO())

    rebuild_summaries(call=example["call"])

    assert summaries_mismatches(call=example["call"]) == []
    out = StringIO()
    call_command("check_assessment_totals", stdout=out)
    assert "Toutes les synthèses sont cohérentes." in out.getvalue()
    a_row = next(r for r in dashboards.call_ranking(call=example["call"]).rows if r.title == "A")
    assert (a_row.figures.reviews, a_row.assigned) == (0, 0)


def test_a_tampered_summary_is_reported_and_a_refresh_repairs_it(example):
    ProjectSummary.objects.filter(project=example["b"]).update(sum_units=1)

    assert summaries_mismatches(call=example["call"]) == [f"projet {example['b'].pk}"]

    refresh_project_summary(project=example["b"])

    assert summaries_mismatches(call=example["call"]) == []
