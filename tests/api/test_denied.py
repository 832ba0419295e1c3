"""Every role is denied, on every API route and method, what the pages deny it: besides the
matrix's roles, a funder of another organisation, a holder of another organisation and a
reviewer not assigned to the project. Then the policies of a call: blind mode, the
visibility of other reviewers' scores, the holder's feedback."""

import pytest
from django.urls import reverse

from accounts.models import Role
from api.services import api_token_create
from projects.models import FeedbackPolicy, ReviewerVisibility
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "holder",
    "other_holder",
    "reviewer",
    "other_reviewer",
    "funder",
    "other_funder",
    "admin",
)
DENIED = (401, 403, 404)


@pytest.fixture
def world(db):
    funder = user_with_role(Role.FUNDER)
    organisation = funder.memberships.get().organisation
    holder = user_with_role(Role.HOLDER)
    holder_organisation = holder.memberships.get().organisation
    reviewer = user_with_role(Role.REVIEWER)
    open_call = CallFactory(funder=organisation)
    review_call = CallFactory(funder=organisation, review=True)
    draft = ProjectFactory(call=open_call, owner=holder, organisation=holder_organisation)
    own = AssessmentFactory(project=draft, self_assessment=True)
    in_review = ProjectFactory(
        call=review_call, owner=holder, organisation=holder_organisation, under_review=True
    )
    AssignmentFactory(project=in_review, reviewer=reviewer)
    review = AssessmentFactory(project=in_review, author=reviewer)
    return {
        "users": {
            "anonymous": None,
            "holder": holder,
            "other_holder": user_with_role(Role.HOLDER),
            "reviewer": reviewer,
            "other_reviewer": user_with_role(Role.REVIEWER),
            "funder": funder,
            "other_funder": user_with_role(Role.FUNDER),
            "admin": user_with_role(None),
        },
        "open_call": open_call,
        "draft_call": CallFactory(funder=organisation, draft=True),
        "review_call": review_call,
        "draft": draft,
        "self_assessment": own,
        "in_review": in_review,
        "review": review,
    }


def _pk(key):
    return lambda w: {"pk": w[key].pk}


# (route, method, URL kwargs, body, {role allowed: status}); every other role is denied.
CASES = [
    ("api:me", "get", None, None, dict.fromkeys(ROLES[1:], 200)),
    (
        "api:grid_version_list",
        "get",
        None,
        None,
        dict.fromkeys(("reviewer", "other_reviewer", "funder", "other_funder", "admin"), 200),
    ),
    ("api:call_detail", "get", _pk("draft_call"), None, {"funder": 200, "admin": 200}),
    ("api:call_projects", "get", _pk("open_call"), None, {"funder": 200, "admin": 200}),
    ("api:call_ranking", "get", _pk("review_call"), None, {"funder": 200, "admin": 200}),
    ("api:call_decisions", "get", _pk("review_call"), None, {"funder": 200, "admin": 200}),
    ("api:project_list", "get", None, None, {"holder": 200, "other_holder": 200, "admin": 200}),
    (
        "api:project_list",
        "post",
        None,
        lambda w: {"call": w["open_call"].pk, "title": "Nouveau"},
        {"holder": 201, "other_holder": 201},
    ),
    ("api:project_detail", "get", _pk("draft"), None, {"holder": 200, "admin": 200}),
    ("api:project_detail", "patch", _pk("draft"), lambda w: {"title": "Piraté"}, {"holder": 200}),
    ("api:project_submit", "post", _pk("draft"), None, {"holder": 400}),
    ("api:self_assessment", "get", _pk("draft"), None, {"holder": 200, "admin": 200}),
    (
        "api:self_assessment",
        "put",
        _pk("draft"),
        lambda w: {"row_version": w["self_assessment"].row_version, "scores": []},
        {"holder": 200},
    ),
    ("api:feedback", "get", _pk("in_review"), None, {"funder": 200, "admin": 200}),
    ("api:project_reviews", "get", _pk("in_review"), None, {"funder": 200, "admin": 200}),
    ("api:review", "get", _pk("in_review"), None, {"reviewer": 200}),
    (
        "api:review",
        "put",
        _pk("in_review"),
        lambda w: {"row_version": w["review"].row_version, "scores": []},
        {"reviewer": 200},
    ),
    ("api:review_submit", "post", _pk("in_review"), None, {"reviewer": 400}),
    ("api:review_project", "get", _pk("in_review"), None, {"reviewer": 200}),
    ("api:review_list", "get", None, None, {"reviewer": 200, "other_reviewer": 200}),
    (
        "api:territories",
        "get",
        None,
        None,
        {"funder": 200, "other_funder": 200, "admin": 200},
    ),
]


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "body", "allowed"),
    CASES,
    ids=[f"{name}-{method}" for name, method, *_rest in CASES],
)
def test_each_role_gets_what_the_pages_give_it(client, world, name, method, kwargs, body, allowed):
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    answers = {}
    for role in ROLES:
        user = world["users"][role]
        headers = {}
        if user is not None:
            _token, secret = api_token_create(user=user, name="Test")
            headers = {"Authorization": f"Bearer {secret}"}
        data = body(world) if body else {}
        if method == "get":
            response = client.get(url, headers=headers)
        else:
            response = getattr(client, method)(
                url, data, content_type="application/json", headers=headers
            )
        answers[role] = response.status_code

    expected = {role: allowed.get(role, "denied") for role in ROLES}
    seen = {
        role: "denied" if status in DENIED and role not in allowed else status
        for role, status in answers.items()
    }
    assert seen == expected
    assert answers["anonymous"] == (200 if "anonymous" in allowed else 401)


def _token(user):
    _token, secret = api_token_create(user=user, name="Test")
    return {"Authorization": f"Bearer {secret}"}


def test_a_funder_never_sees_another_funders_draft_call_nor_its_figures(client, world):
    other = world["users"]["other_funder"]
    headers = _token(other)

    listed = client.get(reverse("api:call_list"), headers=headers).json()["results"]
    territories = client.get(
        reverse("api:territories"), {"call": world["review_call"].pk}, headers=headers
    )

    titles = {call["id"] for call in listed}
    assert world["draft_call"].pk not in titles
    assert {world["open_call"].pk, world["review_call"].pk} <= titles  # published: public
    assert territories.status_code == 404


def test_blind_mode_hides_the_holder_from_the_reviewer(client, world):
    call = world["review_call"]
    headers = _token(world["users"]["reviewer"])

    project_url = reverse("api:review_project", kwargs={"pk": world["in_review"].pk})
    seen = client.get(reverse("api:review_list"), headers=headers).json()["results"]
    seen_project = client.get(project_url, headers=headers).json()
    call.blind_mode = True
    call.save()
    blind = client.get(reverse("api:review_list"), headers=headers).json()["results"]
    blind_project = client.get(project_url, headers=headers).json()

    organisation = world["in_review"].organisation.name
    assert [row["organisation"] for row in seen] == [organisation]
    assert seen_project["organisation"]["name"] == organisation
    assert [row["organisation"] for row in blind] == [None]
    assert blind_project["organisation"] is None
    assert blind_project["title"] == world["in_review"].title
    assert organisation not in str(blind) + str(blind_project)


@pytest.mark.parametrize(
    ("policy", "own_submitted", "visible"),
    [
        (ReviewerVisibility.NEVER, True, False),
        (ReviewerVisibility.AFTER_OWN, False, False),
        (ReviewerVisibility.AFTER_OWN, True, True),
        (ReviewerVisibility.ALWAYS, False, True),
    ],
)
def test_a_reviewer_reads_the_others_anonymised_under_the_calls_policy(
    client, example, policy, own_submitted, visible
):
    call, project = example["call"], example["a"]
    call.reviewer_visibility = policy
    call.save()
    reviewer = example["reviewers"][3]  # R4, whose review of A is a draft
    if own_submitted:
        reviewer.assessments.update(status="submitted", submitted_at=call.opens_at)

    response = client.get(
        reverse("api:project_reviews", kwargs={"pk": project.pk}), headers=_token(reviewer)
    )

    if not visible:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    names = [review["reviewer"] for review in response.json()["reviews"]]
    expected = ["Évaluateur 1", "Évaluateur 2", "Évaluateur 3"]
    if own_submitted:
        expected.append("Vous")
    assert names == expected
    assert not any(r.full_name in str(response.json()) for r in example["reviewers"])


def test_the_calls_managers_read_every_review_by_name_with_the_analysis_figures(client, example):
    response = client.get(
        reverse("api:project_reviews", kwargs={"pk": example["a"].pk}),
        headers=_token(example["funder"]),
    )

    body = response.json()
    assert [(r["reviewer"], r["total"]) for r in body["reviews"]] == [
        ("R1", "83.33"),
        ("R2", "50.00"),
        ("R3", "50.00"),
    ]
    assert (body["aggregate"]["reviews"], body["aggregate"]["mean"]) == (3, "61.11")
    assert [(c["code"], c["mean"], c["self_value"]) for c in body["criteria"]] == [
        ("K1", "1.00", 2),
        ("K2", "1.00", 2),
        ("K3", "2.00", 1),
    ]


def test_the_holder_reads_the_figures_only_under_the_full_feedback_policy(client, example):
    call, project = example["call"], example["a"]
    call.status = "decided"
    call.feedback_policy = FeedbackPolicy.DECISION
    call.save()
    headers = _token(project.owner)
    url = reverse("api:feedback", kwargs={"pk": project.pk})

    decision_only = client.get(url, headers=headers).json()
    call.feedback_policy = FeedbackPolicy.FULL
    call.save()
    full = client.get(url, headers=headers).json()

    assert (decision_only["comments"], decision_only["criteria"]) == ([], [])
    assert [c["code"] for c in full["criteria"]] == ["K1", "K2", "K3"]
    assert len(full["comments"]) == 3
    assert "R1" not in str(full)


def test_another_holder_cannot_change_a_project_nor_its_self_assessment(client, world):
    headers = _token(world["users"]["other_holder"])
    draft = world["draft"]

    patch = client.patch(
        reverse("api:project_detail", kwargs={"pk": draft.pk}),
        {"title": "Piraté"},
        content_type="application/json",
        headers=headers,
    )
    put = client.put(
        reverse("api:self_assessment", kwargs={"pk": draft.pk}),
        {"scores": []},
        content_type="application/json",
        headers=headers,
    )

    draft.refresh_from_db()
    assert (patch.status_code, put.status_code) == (403, 403)
    assert draft.title != "Piraté"
