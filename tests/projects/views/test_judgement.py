"""The "Qualité du jugement" panel: who sees it, what it shows, its query counts."""

from fractions import Fraction
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Role
from projects import dashboards
from projects.agreement import icc, krippendorff_alpha
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    UserFactory,
    user_with_role,
)
from tests.projects.helpers import scores
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test computes its own panel: none is read from an earlier test's cache."""
    cache.clear()


def _url(call, **params):
    url = reverse("projects:call_judgement", args=[call.pk])
    return f"{url}?{urlencode(params)}" if params else url


def add_reviewed(call, projects, reviewers, values):
    """`projects` new projects, each reviewed by every reviewer; values[p][r] are K1 levels."""
    made = []
    for index in range(projects):
        project = ProjectFactory(call=call, submitted=True, title=f"P{index:02d}")
        for number, reviewer in enumerate(reviewers):
            level = values(index, number)
            AssignmentFactory(project=project, reviewer=reviewer)
            AssessmentFactory(
                project=project,
                author=reviewer,
                submitted=True,
                scores=scores(level, level, level),
            )
        made.append(project)
    return made


def test_judgement_panel_of_the_example_is_too_thin_without_pairs(example, client):
    client.force_login(example["funder"])

    response = client.get(_url(example["call"]))

    assert response.status_code == 200
    quality = response.context["quality"]
    # A has three totals, B two: both projects pairable, so figures are shown.
    assert (quality.projects, quality.pairable, quality.reviews) == (2, 2, 5)
    assert not quality.thin
    assert "judgement-alpha" in response.content.decode()


def test_judgement_panel_says_data_are_too_thin(client):
    funder = user_with_role(Role.FUNDER)
    call = CallFactory(funder=funder.memberships.get().organisation, review=True)
    reviewers = [UserFactory() for _ in range(2)]
    for _index in range(3):
        project = ProjectFactory(call=call, submitted=True)
        AssignmentFactory(project=project, reviewer=reviewers[0])
        AssessmentFactory(project=project, author=reviewers[0], submitted=True)
    client.force_login(funder)

    response = client.get(_url(call))

    content = response.content.decode()
    assert response.context["quality"].thin
    assert 'id="judgement-thin"' in content
    assert 'id="judgement-alpha"' not in content


def test_judgement_panel_figures_match_the_statistics(example, client):
    call = example["call"]
    reviewers = example["reviewers"][:3]
    # Reviewer 3 is two levels more severe; projects differ by one level steps.
    add_reviewed(call, 8, reviewers, lambda p, r: max(0, min(2, p % 3 - (1 if r == 2 else 0))))
    client.force_login(example["funder"])

    response = client.get(_url(call, ligne=3, classement="corrected"))

    quality = response.context["quality"]
    assert quality.total.interval is not None
    assert quality.total.interval_ci[0] <= quality.total.interval <= quality.total.interval_ci[1]
    assert [row.code for row in quality.criteria] == ["K1", "K2", "K3"]
    offsets = {row.name: row.offset for row in quality.reviewers}
    assert offsets["R3"] < offsets["R1"] and offsets["R3"] < offsets["R2"]
    assert response.context["ranking"] == "corrected"
    assert "Classement affiché : corrigé des décalages des évaluateurs." in (
        response.content.decode()
    )
    ranks = sorted(row.corrected_rank for row, _grey in response.context["rows"])
    assert ranks == list(range(1, quality.projects + 1))
    for row, _grey in response.context["rows"]:
        assert row.raw_interval[0] <= row.raw_rank <= row.raw_interval[1]


def test_judgement_is_cached_until_a_review_changes(example, client):
    call = example["call"]
    first = dashboards.judgement_quality(call=call)

    with count_queries(1):
        again = dashboards.judgement_quality(call=call)
    assert again == first
    review = example["a"].assessments.filter(author=example["reviewers"][0]).get()
    review.row_version += 1
    review.save()
    with count_queries() as recomputed:
        dashboards.judgement_quality(call=call)
    assert recomputed.count > 1


@pytest.mark.parametrize("size", [1, 3])
def test_judgement_query_count_does_not_grow(example, client, size):
    add_reviewed(example["call"], size, example["reviewers"][:2], lambda p, r: (p + r) % 3)
    client.force_login(example["funder"])
    url = _url(example["call"], ligne=1)

    with count_queries(9):
        response = client.get(url)
    with count_queries(5):
        cached = client.get(url)

    assert response.status_code == cached.status_code == 200


@pytest.mark.parametrize("role", ["holder", "reviewer", "other_funder", "anonymous"])
def test_judgement_panel_is_denied_to_everyone_but_the_call_funders(example, client, role):
    if role == "holder":
        client.force_login(example["a"].owner)
    elif role == "reviewer":
        client.force_login(example["reviewers"][0])
    elif role == "other_funder":
        client.force_login(user_with_role(Role.FUNDER))

    response = client.get(_url(example["call"]))

    assert response.status_code == (302 if role == "anonymous" else 403)


def test_judgement_panel_is_open_to_administrators(example, client):
    client.force_login(UserFactory(administrator=True))

    assert client.get(_url(example["call"])).status_code == 200


def test_judgement_panel_ignores_a_wrong_line_or_ranking(example, client):
    client.force_login(example["funder"])

    response = client.get(_url(example["call"], ligne="douze", classement="secret", page="x"))

    assert response.status_code == 200
    assert (response.context["line"], response.context["ranking"]) == (None, "raw")


def test_judgement_funding_line_defaults_to_the_calls_number_of_projects_to_fund(example, client):
    call = example["call"]
    call.funding_target = 1
    call.save()
    client.force_login(example["funder"])

    default = client.get(_url(call))
    chosen = client.get(_url(call, ligne=2))

    assert (default.context["line"], chosen.context["line"]) == (1, 2)


def test_call_dashboard_switches_to_the_corrected_ranking_explicitly(example, client):
    call = example["call"]
    add_reviewed(call, 4, example["reviewers"][:3], lambda p, r: max(0, p % 3 - (r == 2)))
    client.force_login(example["funder"])
    url = reverse("projects:call_dashboard", args=[call.pk])

    raw = client.get(url)
    corrected = client.get(url, {"classement": "corrected"})
    again = client.get(url)  # the switch is remembered until switched back
    back = client.get(url, {"classement": "raw"})

    assert raw.context["ranking"] == "raw"
    assert "data-corrected-rank" not in raw.content.decode()
    assert "Classement affiché : brut (moyenne des notes)." in raw.content.decode()
    ranks = [row.corrected_rank for row in corrected.context["page"].rows]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert "Classement affiché : corrigé des décalages des évaluateurs." in (
        corrected.content.decode()
    )
    assert again.context["ranking"] == "corrected"
    assert back.context["ranking"] == "raw"
    # Raw figures are unchanged by the switch.
    means = {row.project_id: row.figures.totals.mean for row in raw.context["page"].rows}
    assert {row.project_id: row.figures.totals.mean for row in corrected.context["page"].rows} == (
        means
    )


def test_decision_page_says_which_ranking_was_in_view(example, client):
    client.force_login(example["funder"])
    decision = reverse("projects:decision_edit", args=[example["b"].pk])
    dashboard = reverse("projects:call_dashboard", args=[example["call"].pk])

    before = client.get(decision).content.decode()
    client.get(dashboard, {"classement": "corrected"})
    after = client.get(decision).content.decode()

    assert "Classement en vue sur le tableau de bord de l'appel : brut" in before
    assert "Classement en vue sur le tableau de bord de l'appel : corrigé des décalages" in after


@pytest.mark.parametrize("size", [1, 3])
def test_call_dashboard_in_corrected_ranking_query_count_does_not_grow(example, client, size):
    add_reviewed(example["call"], size, example["reviewers"][:2], lambda p, r: (p + r) % 3)
    client.force_login(example["funder"])
    url = reverse("projects:call_dashboard", args=[example["call"].pk])
    client.get(url, {"classement": "corrected"})  # switched, and the panel cached

    # The raw dashboard's 10, and the state of the reviews that keys the cached panel.
    with count_queries(10):
        response = client.get(url)

    assert response.context["ranking"] == "corrected"


def test_judgement_figures_of_the_example_by_hand(example):
    """The example's totals: A 250/3, 50, 50; B 50, 200/3. K1: A 2, 1, 0; B 0, 1. K3: A N/A,
    2, 2; B 2, N/A: N/A is missing, so B has a single K3 value and is not pairable."""
    quality = dashboards.judgement.compute_judgement_quality(call=example["call"])

    assert quality.total.interval == pytest.approx(
        krippendorff_alpha([0, 0, 0, 1, 1], [250 / 3, 50, 50, 50, 200 / 3])
    )
    k1, _k2, k3 = quality.criteria
    assert k1.interval == pytest.approx(krippendorff_alpha([0, 0, 0, 1, 1], [2, 1, 0, 0, 1]))
    assert k1.ordinal == pytest.approx(
        krippendorff_alpha([0, 0, 0, 1, 1], [2, 1, 0, 0, 1], "ordinal")
    )
    assert (k3.ratings, k3.pairable, k3.interval) == (3, 1, None)
    assert quality.icc.icc1_1 == pytest.approx(
        icc([0, 0, 0, 1, 1], [1, 2, 3, 1, 2], [250 / 3, 50, 50, 50, 200 / 3]).icc1_1
    )
    assert [row.title for row in quality.ranking] == ["A", "B"]
    assert [(row.name, row.reviews, row.shared) for row in quality.reviewers] == [
        ("R1", 2, 2),
        ("R2", 2, 2),
        ("R3", 1, 1),
    ]
    # The calibration page's bias, from the exact totals: R3 gave 50 on A, the others 250/3
    # and 50.
    biases = {row.name: row.raw_bias for row in quality.reviewers}
    assert biases["R3"] == 50 - (Fraction(250, 3) + 50) / 2
