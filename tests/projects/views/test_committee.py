"""The selection committee's pages: evidence on the decision and analysis pages, the committee
view, the publication (checked on the holder's pages and in the outbox before and after),
corrections, confirmations of transitions and recusals, and the call's journal. Every new page
and action is denied to every other role."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from projects import services
from projects.models import AssignmentState, CallStatus, Decision, ProjectStatus
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    UserFactory,
    user_with_role,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee():
    """A call in review (ceiling 45 000 €, envelope 50 000 €) with two projects, each reviewed
    twice: "Haut" (favourable ×2) above "Bas" (reserved, unfavourable)."""
    call = CallFactory(
        review=True,
        max_amount=Decimal(45000),
        budget_envelope=Decimal(50000),
        feedback_policy="comments",
    )
    funder = user_with_role(Role.FUNDER, call.funder)
    high = ProjectFactory(call=call, under_review=True, title="Haut", amount_requested=40000)
    low = ProjectFactory(call=call, under_review=True, title="Bas", amount_requested=30000)
    reviewers = []
    for project, values, opinions in (
        (high, (2, 3), ("favourable", "favourable")),
        (low, (1, 0), ("reserved", "unfavourable")),
    ):
        for value, opinion in zip(values, opinions, strict=True):
            assignment = AssignmentFactory(
                project=project, done=True, reviewer=UserFactory(full_name=f"Expert {opinion}")
            )
            reviewers.append(assignment.reviewer)
            AssessmentFactory(
                assignment=assignment,
                submitted=True,
                scores=value,
                opinion=opinion,
                strengths=f"FORCES-{project.title}-{value}",
                weaknesses=f"FAIBLESSES-{project.title}-{value}",
                recommended_amount=Decimal(30000 + 1000 * value),
            )
    return {"call": call, "funder": funder, "high": high, "low": low, "reviewers": reviewers}


def url(name, obj):
    return reverse(f"projects:{name}", kwargs={"pk": obj.pk})


# --- Denied access --------------------------------------------------------------------------


def _actions(c):
    decision = services.decision_propose(project=c["low"], outcome="waitlisted", by=c["funder"])
    assignment = c["high"].assignments.first()
    return [
        ("get", url("call_committee", c["call"]), {}),
        ("get", url("decisions_publish", c["call"]), {}),
        ("post", url("decisions_publish", c["call"]), {"decisions": [decision.pk]}),
        ("get", url("call_history", c["call"]), {}),
        ("get", url("decision_edit", c["high"]), {}),
        ("post", url("decision_edit", c["high"]), {"outcome": "rejected", "motivation": "Non."}),
        ("post", url("call_transition", c["call"]), {"to": "decided"}),
        ("get", url("assignment_recuse", assignment), {}),
        ("post", url("assignment_recuse", assignment), {}),
    ]


@pytest.mark.parametrize("role", ["anonymous", "holder", "reviewer", "other_funder"])
def test_every_committee_page_and_action_is_denied_to_other_roles(client, committee, role):
    users = {
        "anonymous": None,
        "holder": committee["high"].owner,
        "reviewer": committee["reviewers"][0],
        "other_funder": user_with_role(Role.FUNDER),
    }
    actions = _actions(committee)
    if users[role] is not None:
        client.force_login(users[role])

    statuses = [getattr(client, method)(path, data) for method, path, data in actions]

    for response in statuses:
        if role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
        else:
            assert response.status_code in (403, 404)
    assert not Decision.objects.published().exists()
    assert not Decision.objects.filter(project=committee["high"]).exists()
    assert committee["call"].__class__.objects.get().status == CallStatus.REVIEW
    assert not committee["high"].assignments.filter(state=AssignmentState.RECUSED).exists()


# --- Evidence -------------------------------------------------------------------------------


def test_decision_page_shows_each_reviewer_opinion_with_names(client, committee):
    client.force_login(committee["funder"])

    html = client.get(url("decision_edit", committee["high"])).content.decode()

    assert html.count("data-review>") == 2
    assert "Expert favourable" in html
    assert "FORCES-Haut-2" in html and "FAIBLESSES-Haut-3" in html
    assert "2 favorables · 0 réservés · 0 défavorables" in html
    # Recommended 32 000 and 33 000: mean and median 32 500, beside the 40 000 requested.
    assert "moyenne 32\xa0500\xa0€ · médiane 32\xa0500\xa0€" in html
    assert "40\xa0000\xa0€" in html


def test_analysis_page_shows_the_opinions_anonymised_to_a_reviewer(client, committee):
    call = committee["call"]
    call.reviewer_visibility = "always"
    call.save()
    reviewer = committee["reviewers"][0]
    client.force_login(reviewer)

    html = client.get(url("project_analysis", committee["high"])).content.decode()

    assert "FORCES-Haut-3" in html
    assert "Évaluateur 1" in html and "Vous" in html
    other = committee["reviewers"][1]
    assert other.full_name not in html and other.email not in html


def test_analysis_page_shows_names_to_the_funder(client, committee):
    client.force_login(committee["funder"])

    html = client.get(url("project_analysis", committee["low"])).content.decode()

    assert "Expert reserved" in html and "Expert unfavourable" in html
    assert 'data-opinion="unfavourable"' in html


# --- The committee view ---------------------------------------------------------------------


def test_committee_view_ranks_projects_with_opinions_and_running_total(client, committee):
    funder = committee["funder"]
    services.decision_propose(
        project=committee["high"], outcome="selected", amount_granted=Decimal(35000), by=funder
    )
    client.force_login(funder)

    response = client.get(url("call_committee", committee["call"]))

    html = response.content.decode()
    rows = response.context["rows"]
    assert [row["ranking"].title for row in rows] == ["Haut", "Bas"]
    assert (rows[0]["opinions"].favourable, rows[1]["opinions"].unfavourable) == (2, 1)
    assert rows[0]["running"] == Decimal(35000)
    assert response.context["envelope"].remaining == Decimal(15000)
    assert "Proposée" in html
    assert 'form="publish-form"' in html


@pytest.mark.parametrize("size", [1, 3])
def test_committee_view_query_count_does_not_grow(client, committee, size):
    funder = committee["funder"]
    for _index in range(size):
        project = ProjectFactory(call=committee["call"], under_review=True)
        assignment = AssignmentFactory(project=project, done=True)
        AssessmentFactory(assignment=assignment, submitted=True, scores=1, opinion="reserved")
        services.decision_propose(project=project, outcome="waitlisted", by=funder)
    client.force_login(funder)

    with count_queries(14):
        response = client.get(url("call_committee", committee["call"]))

    assert response.status_code == 200


def test_committee_pages_carry_ranks_and_running_total_across_pages(client, committee, monkeypatch):
    """One page at a time, as the dashboard (a page costs the same whatever the call's size):
    the second page goes on with the ranks and with the running total of the first."""
    monkeypatch.setattr("projects.views.committee.COMMITTEE_PAGE_SIZE", 1)
    funder = committee["funder"]
    for project, amount in ((committee["high"], 30000), (committee["low"], 20000)):
        services.decision_propose(
            project=project, outcome="selected", amount_granted=Decimal(amount), by=funder
        )
    client.force_login(funder)

    first = client.get(url("call_committee", committee["call"]))
    second = client.get(url("call_committee", committee["call"]), {"page": 2})
    beyond = client.get(url("call_committee", committee["call"]), {"page": 9})
    bad = client.get(url("call_committee", committee["call"]), {"page": "x'"})

    assert [(r["rank"], r["ranking"].title) for r in first.context["rows"]] == [(1, "Haut")]
    row = second.context["rows"][0]
    assert (row["rank"], row["ranking"].title) == (2, "Bas")
    # 30 000 € on page 1, then 20 000 €: 50 000 €, the whole envelope and not beyond it.
    assert (row["running"], row["beyond"]) == (Decimal(50000), False)
    html = second.content.decode()
    assert "Page 2 sur 2" in html
    assert 'id="publish-all"' in html and "Publier les 2 décisions proposées" in html
    assert '<input type="hidden" name="page" value="2">' in html
    assert beyond.status_code == 302 and beyond["Location"].endswith("?ordre=mean&page=2")
    assert bad.status_code == 200 and bad.context["page"].page == 1


def test_a_committee_row_goes_back_to_its_page(client, committee):
    client.force_login(committee["funder"])

    response = client.post(
        url("decision_edit", committee["low"]),
        {"from": "committee", "outcome": "waitlisted", "page": "2", "ordre": "median"},
    )
    probed = client.post(
        url("decision_edit", committee["high"]),
        {"from": "committee", "outcome": "waitlisted", "page": "-1", "ordre": "<x>"},
    )

    assert response.status_code == 302
    assert response["Location"] == (
        url("call_committee", committee["call"])
        + f"?ordre=median&page=2#project-{committee['low'].pk}"
    )
    assert probed["Location"] == (
        url("call_committee", committee["call"]) + f"#project-{committee['high'].pk}"
    )


def test_a_committee_row_refused_shows_the_message_at_the_field(client, committee):
    client.force_login(committee["funder"])

    response = client.post(
        url("decision_edit", committee["high"]),
        {"from": "committee", "outcome": "selected", "amount_granted": "42000"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["amount_granted"] == ["Ce montant dépasse le montant demandé (40\xa0000 €)."]
    assert "override_reason" in errors
    assert not Decision.objects.exists()


def test_a_committee_row_keeps_what_the_full_form_recorded(client, committee):
    funder = committee["funder"]
    services.decision_propose(
        project=committee["high"],
        outcome="waitlisted",
        motivation="Motivation longue.",
        reference="DEL-1",
        by=funder,
    )
    client.force_login(funder)

    response = client.post(
        url("decision_edit", committee["high"]),
        {"from": "committee", "outcome": "selected", "amount_granted": "20000"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#project-{committee['high'].pk}")
    decision = Decision.objects.get()
    assert (decision.outcome, decision.amount_granted) == ("selected", Decimal(20000))
    assert (decision.motivation, decision.reference) == ("Motivation longue.", "DEL-1")


# --- Publication: the holder learns only then -----------------------------------------------


def holder_pages(client, project) -> tuple[str, str]:
    client.force_login(project.owner)
    detail = client.get(url("project_detail", project)).content.decode()
    listing = client.get(reverse("projects:project_list")).content.decode()
    return detail, listing


def test_holder_learns_the_decision_only_when_published(
    client, committee, mailoutbox, django_capture_on_commit_callbacks
):
    funder, low = committee["funder"], committee["low"]
    client.force_login(funder)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("decision_edit", low),
            {"from": "committee", "outcome": "rejected", "motivation": "MOTIF-DU-REFUS"},
        )
    decision = Decision.objects.get()
    before_detail, before_list = holder_pages(client, low)
    before_mail = len(mailoutbox)

    client.force_login(funder)
    confirmation = client.get(
        url("decisions_publish", committee["call"]), {"decisions": [decision.pk]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        published = client.post(
            url("decisions_publish", committee["call"]), {"decisions": [decision.pk]}
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            url("decisions_publish", committee["call"]), {"decisions": [decision.pk]}
        )
    after_detail, after_list = holder_pages(client, low)

    assert before_mail == 0
    assert 'id="decision"' not in before_detail and "MOTIF-DU-REFUS" not in before_detail
    assert "Non retenu" not in before_detail and "Non retenu" not in before_list
    assert "En évaluation" in before_list
    assert low.owner.email in confirmation.content.decode()
    assert "1 e-mail partira" in confirmation.content.decode()
    assert published.status_code == 302 and again.status_code == 302
    assert [m.to for m in mailoutbox] == [[low.owner.email]]
    assert "MOTIF-DU-REFUS" in mailoutbox[0].body
    assert 'id="decision"' in after_detail and "MOTIF-DU-REFUS" in after_detail
    assert "Non retenu" in after_list
    low.refresh_from_db()
    assert low.status == ProjectStatus.REJECTED


def test_publishing_beyond_the_envelope_asks_a_reason_at_the_field(client, committee):
    funder = committee["funder"]
    for project, amount in ((committee["high"], 40000), (committee["low"], 30000)):
        services.decision_propose(
            project=project,
            outcome="selected",
            amount_granted=Decimal(amount),
            override_reason="Choix du comité.",
            by=funder,
        )
    ids = list(Decision.objects.values_list("pk", flat=True))
    client.force_login(funder)

    refused = client.post(url("decisions_publish", committee["call"]), {"decisions": ids})
    accepted = client.post(
        url("decisions_publish", committee["call"]),
        {"decisions": ids, "override_reason": "Rallonge votée en séance."},
    )

    assert refused.status_code == 200
    assert (
        "20\xa0000 € au-delà de l'enveloppe" in refused.context["form"].errors["override_reason"][0]
    )
    assert accepted.status_code == 302
    assert Decision.objects.published().count() == 2


def test_publishing_nothing_checked_is_refused(client, committee):
    funder = committee["funder"]
    services.decision_propose(project=committee["low"], outcome="waitlisted", by=funder)
    client.force_login(funder)

    response = client.post(url("decisions_publish", committee["call"]), {})

    assert response.status_code == 200
    assert response.context["form"].errors["decisions"] == [
        "Cochez au moins une décision à publier."
    ]
    assert not Decision.objects.published().exists()


def test_a_published_decision_is_corrected_with_a_reason(
    client, committee, mailoutbox, django_capture_on_commit_callbacks
):
    funder, low = committee["funder"], committee["low"]
    services.decision_propose(project=low, outcome="waitlisted", by=funder)
    services.decisions_publish(call=committee["call"], by=funder)
    client.force_login(funder)
    data = {"outcome": "selected", "amount_granted": "10000"}

    page = client.get(url("decision_edit", low)).content.decode()
    refused = client.post(url("decision_edit", low), data)
    with django_capture_on_commit_callbacks(execute=True):
        corrected = client.post(
            url("decision_edit", low), {**data, "correction_reason": "Désistement."}
        )

    assert "Corriger la décision publiée" in page
    assert refused.context["form"].errors["correction_reason"]
    assert corrected.status_code == 302
    assert [m.to for m in mailoutbox] == [[low.owner.email]]
    assert "Désistement." in mailoutbox[0].body


# --- Confirmations --------------------------------------------------------------------------


def test_moving_to_review_before_closing_says_so_and_asks_again(client, mailoutbox):
    call = CallFactory()
    ProjectFactory(call=call, submitted=True)
    AssignmentFactory(project=ProjectFactory(call=call, submitted=True))
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    page = client.get(url("call_transition", call)).content.decode()
    refused = client.post(url("call_transition", call), {"to": "review"})
    call.refresh_from_db()
    status_after_refusal = call.status
    moved = client.post(url("call_transition", call), {"to": "review", "early": "on"})

    assert 'id="early-warning"' in page
    assert "2 projets déposés passent en évaluation" in page
    assert "1 évaluateur assigné est prévenu" in page
    assert refused.status_code == 200 and status_after_refusal == CallStatus.OPEN
    assert "confirmez le passage en évaluation" in refused.content.decode()
    assert moved.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.REVIEW


def test_deciding_a_call_warns_of_unpublished_decisions(client, committee):
    services.decision_propose(
        project=committee["low"], outcome="waitlisted", by=committee["funder"]
    )
    client.force_login(committee["funder"])

    page = client.get(url("call_transition", committee["call"])).content.decode()

    assert "1 décision proposée n'est pas publiée" in page
    assert "1 projet n'a aucune décision" in page


def test_recusing_is_confirmed_then_done(client, committee):
    assignment = committee["high"].assignments.first()
    client.force_login(committee["funder"])

    page = client.get(url("assignment_recuse", assignment)).content.decode()
    assignment.refresh_from_db()
    state_after_get = assignment.state
    response = client.post(url("assignment_recuse", assignment), REMOTE_ADDR="198.51.100.4")

    assert "ne compte plus dans aucun résultat" in page
    assert state_after_get == AssignmentState.DONE
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.RECUSED
    assert AuditEvent.objects.get(action="assignment.recuse").ip == "198.51.100.4"


# --- The call's journal ---------------------------------------------------------------------


def test_history_page_shows_who_what_before_after_and_address(client, committee):
    funder = committee["funder"]
    client.force_login(funder)
    client.post(
        url("decision_edit", committee["low"]),
        {"outcome": "waitlisted"},
        REMOTE_ADDR="203.0.113.5",
    )

    response = client.get(url("call_history", committee["call"]))

    html = response.content.decode()
    assert "Décision proposée" in html
    assert "203.0.113.5" in html
    assert str(funder) in html
    assert 'data-action="decision.propose"' in html
    # Labels, not field names and codes.
    change = response.context["events"][0]["changes"][0]
    assert (str(change["key"]), str(change["after"])) == ("Décision", "Liste d'attente")


@pytest.mark.parametrize("size", [1, 3])
def test_history_query_count_does_not_grow(client, committee, size):
    funder = committee["funder"]
    for _index in range(size):
        services.call_update(call=committee["call"], by=funder, title=f"Titre {_index}")
        services.decision_propose(
            project=committee["low"], outcome="waitlisted", motivation=str(_index), by=funder
        )
    client.force_login(funder)

    with count_queries(6):
        response = client.get(url("call_history", committee["call"]))

    assert response.status_code == 200


# --- Reviewers before the review opens ------------------------------------------------------


def test_a_reviewer_assigned_while_open_reads_the_project_and_may_declare_a_conflict(client):
    assignment = AssignmentFactory(project=ProjectFactory(call=CallFactory(), submitted=True))
    client.force_login(assignment.reviewer)

    listing = client.get(reverse("projects:review_list")).content.decode()
    page = client.get(url("review_edit", assignment.project)).content.decode()
    # Scoring opens with the review phase; a conflict may be declared at once.
    scored = client.post(url("review_edit", assignment.project), {"action": "draft"})
    declared = client.post(
        url("review_conflict", assignment.project), {"reason": "Ancien salarié."}
    )

    assert "notation à l'ouverture de l'évaluation" in listing
    assert 'id="review-not-open"' in page
    assert url("review_conflict", assignment.project) in page
    assert declared.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFLICT
    assert scored.status_code in (403, 404)


def test_the_funder_sets_the_envelope_and_the_call_page_shows_it(client):
    call = CallFactory(max_amount=Decimal(45000))
    client.force_login(user_with_role(Role.FUNDER, call.funder))
    form = client.get(url("call_edit", call)).context["form"]
    data = {
        name: value.pk if hasattr(value, "pk") else value
        for name, value in form.initial.items()
        if value is not None and name not in ("regions", "departements")
    }
    data.update(
        opens_at=call.opens_at.strftime("%Y-%m-%dT%H:%M"),
        closes_at=call.closes_at.strftime("%Y-%m-%dT%H:%M"),
        budget_envelope="120000",
        funding_target="4",
    )

    response = client.post(url("call_edit", call), data, REMOTE_ADDR="192.0.2.44")
    page = client.get(url("call_manage", call)).content.decode()

    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.budget_envelope, call.funding_target) == (Decimal(120000), 4)
    assert "Enveloppe : 120\xa0000\xa0€" in page and "4 projets à financer" in page
    event = AuditEvent.objects.for_object(call).get(action="call.update")
    assert event.ip == "192.0.2.44"
    assert event.after["funding_target"] == 4


def test_a_double_submission_of_a_selection_sends_nothing_more(
    client, committee, mailoutbox, django_capture_on_commit_callbacks
):
    funder = committee["funder"]
    first = services.decision_propose(project=committee["high"], outcome="waitlisted", by=funder)
    services.decision_propose(project=committee["low"], outcome="waitlisted", by=funder)
    client.force_login(funder)
    publish = url("decisions_publish", committee["call"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(publish, {"decisions": [first.pk]})
        again = client.post(publish, {"decisions": [first.pk]}, follow=True)

    assert [m.to for m in mailoutbox] == [[committee["high"].owner.email]]
    assert "déjà publiées" in again.content.decode()
    assert Decision.objects.proposed().get().project == committee["low"]
