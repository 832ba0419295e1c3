"""The dashboards' summaries: maintained on every write, rebuilt in one pass after bulk
writes, and proved equal to a recomputation from the raw reviews."""

from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from projects import dashboards
from projects.dashboards.summaries import summaries_mismatches
from projects.models import (
    Assignment,
    CallSummary,
    CriterionSummary,
    LevelSummary,
    Project,
    ProjectSummary,
    ReviewerSummary,
    TerritorySummary,
)
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
    # Exact totals: 250/3 stays a third, never 83,3333333333.
    assert sorted(Fraction(total) for total in summary.totals.split(",")) == [
        50,
        50,
        Fraction(250, 3),
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


def test_calibration_is_kept_per_reviewer_exactly(example):
    # R1: A 250/3 against (50 + 50)/2, B 50 against 200/3: gaps 100/3 and −50/3, bias 25/3.
    r1 = example["reviewers"][0]
    row = ReviewerSummary.objects.get(call=example["call"], reviewer=r1)
    assert (row.reviews, row.scored, row.shared) == (2, 2, 2)
    assert Fraction(row.total_sum) == Fraction(250, 3) + 50
    assert Fraction(row.gap_sum) == Fraction(100, 3) - Fraction(50, 3)
    by_name = {item.name: item for item in dashboards.reviewer_calibration(call=example["call"])}
    assert by_name["R1"].bias == Fraction(25, 3)
    assert by_name["R1"].mean_total == Fraction(400, 6)


def test_a_changed_review_moves_every_reviewer_of_its_project(example):
    """A review's new total changes the other reviewers' gaps on the project too."""
    r3 = example["reviewers"][2]
    review = example["a"].assessments.get(author=r3)
    review.scores.update(value=2)  # 0, 2, 2 → 2, 2, 2: 100
    review.total, review.exact_total = 100, Fraction(100)
    review.save()

    assert summaries_mismatches(call=example["call"]) == []
    by_name = {item.name: item for item in dashboards.reviewer_calibration(call=example["call"])}
    # R2 on A: 50 − (250/3 + 100)/2 = −125/3; on B: 200/3 − 50 = 50/3; bias −75/6.
    assert by_name["R2"].bias == (Fraction(-125, 3) + Fraction(50, 3)) / 2


def test_territory_figures_follow_decisions_and_deletions(example):
    call = example["call"]
    rows = {
        row.code: row for row in dashboards.territory_figures(call_ids=[call.pk], level="region")
    }
    assert (rows["32"].submitted, rows["32"].selected, rows["32"].decided) == (1, 1, 1)
    assert rows["32"].mean_total == Fraction(550, 9)
    assert rows["11"].mean_total == Fraction(175, 3)

    decision = example["a"].decision
    decision.outcome = "rejected"
    decision.save()
    rows = {
        row.code: row for row in dashboards.territory_figures(call_ids=[call.pk], level="region")
    }
    assert (rows["32"].selected, rows["32"].decided) == (0, 1)

    example["b"].delete()
    rows = {
        row.code: row for row in dashboards.territory_figures(call_ids=[call.pk], level="region")
    }
    assert (rows["11"].submitted, rows["11"].mean_total) == (0, None)
    assert summaries_mismatches(call=call) == []
    assert (
        not ReviewerSummary.objects.filter(call=call, reviewer=example["reviewers"][1])
        .exclude(reviews=1)
        .exists()
    )


def test_the_heatmap_reads_the_criterion_summaries(example):
    call = example["call"]
    heat = dashboards.territory_criterion_heatmap(
        call_ids=[call.pk], version_id=call.grid_version_id, level="region"
    )
    # K1 in Hauts-de-France: A's reviews 2, 1, 0 on 0–2 → (2 + 1 + 0) / (3 × 2) = 1/2.
    assert heat[("32", "K1")] == Fraction(1, 2)
    # K3 in Île-de-France: B's reviews 2 and N/A → 1.
    assert heat[("11", "K3")] == 1
    CriterionSummary.objects.filter(call=call).update(value_sum=0)
    assert any(line.startswith("critère") for line in summaries_mismatches(call=call))
    rebuild_summaries(call=call)
    assert summaries_mismatches(call=call) == []


def test_a_tampered_call_wide_row_is_reported(example):
    call = example["call"]
    TerritorySummary.objects.filter(call=call, region_code="11").update(mean_sum="1/7")
    ReviewerSummary.objects.filter(call=call, reviewer=example["reviewers"][0]).update(shared=9)

    problems = summaries_mismatches(call=call)

    assert "territoire ('11', '75')" in problems
    assert f"évaluateur {example['reviewers'][0].pk}" in problems


def test_deleting_projects_in_bulk_takes_back_what_they_added(example):
    call = example["call"]
    Project.objects.filter(pk__in=[example["a"].pk, example["w"].pk]).delete()

    assert summaries_mismatches(call=call) == []
    rows = {
        row.code: row for row in dashboards.territory_figures(call_ids=[call.pk], level="region")
    }
    assert (rows["32"].submitted, rows["32"].mean_total) == (0, None)
    r3 = example["reviewers"][2]
    assert ReviewerSummary.objects.get(call=call, reviewer=r3).reviews == 0


def test_distributions_and_the_call_revision_follow_each_write(example):
    call = example["call"]
    distribution = {
        row["criterion"].code: row for row in dashboards.criterion_distribution(call=call)
    }
    # K3 over the counted reviews: A's N/A, 2, 2 and B's 2, N/A.
    assert distribution["K3"]["levels"] == [(0, 0), (1, 0), (2, 3)]
    assert distribution["K3"]["not_applicable"] == 2
    revision = CallSummary.objects.get(call=call).revision

    r3 = example["reviewers"][2]
    review = example["a"].assessments.get(author=r3)
    review.scores.filter(criterion__code="K3").update(value=0)
    review.save()

    distribution = {
        row["criterion"].code: row for row in dashboards.criterion_distribution(call=call)
    }
    assert distribution["K3"]["levels"] == [(0, 1), (1, 0), (2, 2)]
    assert CallSummary.objects.get(call=call).revision > revision
    LevelSummary.objects.filter(call=call).update(scores=7)
    assert any(line.startswith("niveau") for line in summaries_mismatches(call=call))


def test_deferred_refreshes_run_once_at_the_end_of_the_block(example, monkeypatch):
    from projects.services import summaries as service

    refreshed = []
    original = service.refresh_project_summary
    monkeypatch.setattr(
        service,
        "refresh_project_summary",
        lambda *, project: refreshed.append(project) or original(project=project),
    )
    review = example["b"].assessments.get(author=example["reviewers"][0])
    with service.refreshes_deferred():
        review.save()
        review.save()
        assert refreshed == []
    assert refreshed == [example["b"].pk]

    refreshed.clear()
    with pytest.raises(RuntimeError), service.refreshes_deferred():
        review.save()
        raise RuntimeError
    assert refreshed == []
    assert summaries_mismatches(call=example["call"]) == []
