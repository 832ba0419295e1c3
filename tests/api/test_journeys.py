"""The issue's walks through the API, with tokens as an outside tool uses it: a reviewer
scoring, a funder reading the ranking and the decisions, a holder creating, self-assessing
and submitting a project."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from projects import dashboards
from projects.models import Assessment, Decision, Project
from projects.services import decision_propose
from territories.figures import half_up
from tests.api.conftest import small_version
from tests.factories import AssignmentFactory, CallFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_a_reviewer_scores_then_submits_and_the_funder_reads_the_same_figures(as_user, example):
    call, project = example["call"], example["b"]
    reviewer = user_with_role(Role.REVIEWER)
    AssignmentFactory(project=project, reviewer=reviewer)
    api = as_user(reviewer)
    url = reverse("api:review", kwargs={"pk": project.pk})

    listed = api("get", reverse("api:review_list")).json()["results"]
    draft = api(
        "put",
        url,
        {"row_version": None, "scores": [{"criterion": "K1", "value": 2, "comment": "Solide."}]},
    )
    stale = api("put", url, {"row_version": 1, "scores": [{"criterion": "K2", "value": 1}]})
    incomplete = api("post", reverse("api:review_submit", kwargs={"pk": project.pk}))
    complete = api(
        "put",
        url,
        {
            "row_version": draft.json()["row_version"],
            "opinion": "favourable",
            "strengths": "Ancrage local.",
            "scores": [
                {"criterion": "K2", "value": 1, "comment": ""},
                {"criterion": "K3", "value": 2, "comment": ""},
            ],
        },
    )
    submitted = api("post", reverse("api:review_submit", kwargs={"pk": project.pk}))

    assert [(row["project"], row["review_status"]) for row in listed] == [(project.pk, "todo")]
    assert draft.status_code == 201
    # K1 alone (weight 2): 100 × 2/2 = 100.
    assert (draft.json()["total"], draft.json()["row_version"]) == ("100.00", 2)
    assert stale.status_code == 409
    assert stale.json()["row_version"] == 2
    assert stale.json()["detail"].startswith("Quelqu'un a enregistré cette évaluation entre-temps")
    assert incomplete.status_code == 400
    assert incomplete.json()["non_field_errors"] == [
        "Évaluation incomplète : critères sans réponse K2, K3.",
        "Donnez un avis global.",
    ]
    assert complete.status_code == 200
    # 100 × (2×1 + 1×0.5 + 1×1) / 4 = 87.50
    assert complete.json()["total"] == "87.50"
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    review = Assessment.objects.get(project=project, author=reviewer)
    assert (review.total, review.is_submitted) == (Decimal("87.50"), True)

    funder = as_user(example["funder"])
    ranking = funder("get", reverse("api:call_ranking", kwargs={"pk": call.pk})).json()
    expected = dashboards.call_ranking(call=call)
    assert [row["project_id"] for row in ranking["results"]] == [
        row.project_id for row in expected.rows
    ]
    row_b = next(row for row in ranking["results"] if row["project_id"] == project.pk)
    figures_b = next(row for row in expected.rows if row.project_id == project.pk)
    shown = row_b["figures"]
    assert (shown["reviews"], shown["mean"], shown["median"], shown["std_dev"]) == (
        3,
        str(half_up(figures_b.figures.totals.mean, 2)),
        str(half_up(figures_b.figures.totals.median, 2)),
        str(half_up(figures_b.figures.totals.std_dev, 2)),
    )
    assert shown["mean"] == "68.06"  # (50 + 200/3 + 87.5) / 3, rounded once


def test_the_ranking_sorts_filters_and_refuses_bad_parameters(as_user, example):
    funder = as_user(example["funder"])
    url = reverse("api:call_ranking", kwargs={"pk": example["call"].pk})

    by_title = funder("get", url, {"sort": "title"}).json()
    in_paris = funder("get", url, {"territory": "75"}).json()
    decided = funder("get", url, {"outcome": "selected"}).json()
    bad = funder("get", url, {"sort": "sel", "page": "zéro"})

    assert [row["title"] for row in by_title["results"]] == ["A", "B"]
    assert [row["title"] for row in in_paris["results"]] == ["B"]
    assert [row["title"] for row in decided["results"]] == ["A"]
    row_a = decided["results"][0]
    figures = row_a["figures"]
    assert (figures["mean"], figures["median"], figures["disagreement"]) == ("61.11", "50.00", True)
    assert (row_a["gate"], row_a["self_assessment"]["total"], row_a["outcome"]) == (
        "passed",
        "87.50",
        "selected",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"sort", "page"}
    assert bad.json()["page"] == ["Un nombre entier valide est requis."]


def test_a_funder_reads_the_decisions_of_their_call(as_user, example):
    decision_propose(
        project=example["b"],
        outcome="rejected",
        amount_granted=None,
        motivation="Budget épuisé.",
        by=example["funder"],
    )
    funder = as_user(example["funder"])

    response = funder("get", reverse("api:call_decisions", kwargs={"pk": example["call"].pk}))

    assert response.status_code == 200
    assert [
        (row["project_title"], row["outcome"], row["motivation"])
        for row in response.json()["results"]
    ] == [("A", "selected", ""), ("B", "rejected", "Budget épuisé.")]


def test_a_holder_creates_self_assesses_and_submits_a_project(as_user):
    holder = user_with_role(Role.HOLDER)
    call = CallFactory(grid_version=small_version())
    api = as_user(holder)
    create = {"call": call.pk, "title": "Repair café"}

    first = api("post", reverse("api:project_list"), create, **{"Idempotency-Key": "k-1"})
    again = api("post", reverse("api:project_list"), create, **{"Idempotency-Key": "k-1"})
    project_url = reverse("api:project_detail", kwargs={"pk": first.json()["id"]})
    bad = api("patch", project_url, {"budget": "beaucoup", "stage": "lancement"})
    edited = api(
        "patch",
        project_url,
        {
            "summary": "Réparer plutôt que jeter.",
            "social_need": "Précarité.",
            "solution": "Ateliers.",
            "beneficiaries": "Habitants.",
            "stage": "emergence",
            "budget": "12000.00",
            "amount_requested": "8000.00",
            "commune": "80021",
            "scope_level": "commune",
        },
    )
    assessment_url = reverse("api:self_assessment", kwargs={"pk": first.json()["id"]})
    scores = [{"criterion": code, "value": 1} for code in ("K1", "K2", "K3")]
    assessed = api("put", assessment_url, {"row_version": None, "scores": scores})
    stale = api("put", assessment_url, {"row_version": 1, "scores": scores})
    submitted = api("post", reverse("api:project_submit", kwargs={"pk": first.json()["id"]}))

    assert first.status_code == 201
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (
        201,
        first.json(),
        "true",
    )
    assert Project.objects.filter(call=call).count() == 1
    assert bad.status_code == 400
    assert bad.json() == {
        "budget": ["Un nombre valide est requis."],
        "stage": ["«\u00a0lancement\u00a0» n'est pas un choix valide."],
    }
    assert edited.status_code == 200
    assert (edited.json()["departement"], edited.json()["region"]) == ("80", "32")
    assert (assessed.status_code, assessed.json()["total"]) == (200, "50.00")
    assert stale.status_code == 409
    assert stale.json()["row_version"] == 2
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    self_assessment = Assessment.objects.get(project_id=first.json()["id"], kind="self")
    assert self_assessment.is_submitted


def test_a_refused_creation_leaves_the_idempotency_key_free(as_user):
    holder = user_with_role(Role.HOLDER)
    closed = CallFactory(status="review")
    open_call = CallFactory()
    api = as_user(holder)

    refused = api("post", reverse("api:project_list"), {"call": closed.pk, "title": "X"})
    missing = api(
        "post", reverse("api:project_list"), {"call": open_call.pk}, **{"Idempotency-Key": "k"}
    )
    created = api(
        "post",
        reverse("api:project_list"),
        {"call": open_call.pk, "title": "Y"},
        **{"Idempotency-Key": "k"},
    )
    reused = api(
        "post",
        reverse("api:project_list"),
        {"call": open_call.pk, "title": "Z"},
        **{"Idempotency-Key": "k"},
    )

    assert refused.status_code == 403  # the call no longer takes projects
    assert (missing.status_code, missing.json()) == (400, {"title": ["Ce champ est obligatoire."]})
    assert created.status_code == 201
    assert (reused.status_code, reused.json()["title"]) == (201, "Y")
    assert list(Project.objects.values_list("title", flat=True)) == ["Y"]


def test_a_holder_reads_the_decision_and_feedback_once_it_is_published(as_user, example):
    project = example["a"]
    holder = as_user(project.owner)
    url = reverse("api:feedback", kwargs={"pk": project.pk})
    decisions = Decision.objects.filter(project=project)

    decisions.update(status="proposed", published_at=None)
    before = holder("get", url)
    decisions.update(status="published", published_at=timezone.now())
    after = holder("get", url)

    assert before.status_code == 403
    assert after.status_code == 200
    body = after.json()
    assert body["decision"]["outcome"] == "selected"
    # The default policy: the decision and the anonymised comments, no figures.
    assert len(body["comments"]) == 3
    assert body["criteria"] == []
