"""Reviewers scoring projects: the form, conflicts, anti-anchoring, blind mode, assignment,
pool, decisions and feedback."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Membership, Role
from grid.models import Criterion
from projects import dashboards, selectors, services
from projects.models import (
    Assessment,
    Assignment,
    AssignmentState,
    Attachment,
    CallStatus,
    Decision,
    ProjectStatus,
    ReviewerInvitation,
    ReviewerVisibility,
)
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    reviewer_user,
    user_with_role,
)
from tests.projects.matrix import PDF_BYTES
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def criteria_of(call):
    return list(Criterion.objects.filter(version=call.grid_version).order_by("pk"))


def full_scores(call, value=None):
    """Every criterion answered: `value` (default the scale's maximum) with a comment."""
    return {
        c.pk: (c.scale_max if value is None else value, f"Justification {c.code}")
        for c in criteria_of(call)
    }


def form_data(call, value=None, action="draft", row_version="", **extra):
    data = {"action": action, "row_version": row_version, "opinion": "favourable"}
    for criterion_id, (score, comment) in full_scores(call, value).items():
        data[f"score_{criterion_id}"] = str(score)
        data[f"comment_{criterion_id}"] = comment
    data.update(extra)
    return data


def second_reviewer(project, **traits) -> Assignment:
    return AssignmentFactory(project=project, **traits)


# --- The scoring form -----------------------------------------------------------------------


def test_reviewer_submits_through_the_form_and_sees_the_total(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)
    url = reverse("projects:review_edit", kwargs={"pk": assignment.project.pk})

    page = client.get(url)
    response = client.post(url, form_data(assignment.project.call, action="submit"))

    assert page.status_code == 200
    assert page.content.decode().count('data-criterion="') == 20
    assert response.status_code == 302
    review = Assessment.objects.get(project=assignment.project, author=assignment.reviewer)
    assert (review.status, review.total, review.opinion) == (
        "submitted",
        Decimal("100.00"),
        "favourable",
    )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.DONE
    assert "100,00 / 100" in client.get(url).content.decode()


def test_live_total_uses_the_scoring_function(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)
    call = assignment.project.call
    data = form_data(call, value=0)

    response = client.post(
        reverse("projects:review_total", kwargs={"pk": assignment.project.pk}), data
    )

    assert response.status_code == 200
    assert "0,00 / 100" in response.content.decode()
    assert not Assessment.objects.exists()


def test_low_score_without_comment_is_refused_and_everything_typed_is_shown_again(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)
    call = assignment.project.call
    first = criteria_of(call)[0]
    data = form_data(call, strengths="Une équipe rare")
    data[f"score_{first.pk}"] = str(first.scale_min)
    data[f"comment_{first.pk}"] = ""

    response = client.post(
        reverse("projects:review_edit", kwargs={"pk": assignment.project.pk}), data
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Justifiez cette note" in content
    assert "Une équipe rare" in content
    assert f"Justification {criteria_of(call)[1].code}" in content
    assert not Assessment.objects.exists()


def test_draft_is_saved_and_incomplete_submission_keeps_it(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)
    call = assignment.project.call
    first = criteria_of(call)[0]
    url = reverse("projects:review_edit", kwargs={"pk": assignment.project.pk})

    response = client.post(
        url,
        {
            "action": "submit",
            f"score_{first.pk}": str(first.scale_max),
            f"comment_{first.pk}": "",
            "opinion": "",
        },
    )

    assert response.status_code == 200
    assert "Évaluation incomplète" in response.content.decode()
    review = Assessment.objects.get()
    assert review.status == "draft"
    assert review.scores.count() == 1


def test_submitted_review_is_editable_while_the_call_is_in_review_only(client):
    assignment = AssignmentFactory(done=True)
    review = AssessmentFactory(assignment=assignment, submitted=True, scores=3)
    client.force_login(assignment.reviewer)
    url = reverse("projects:review_edit", kwargs={"pk": assignment.project.pk})

    edited = client.post(
        url, form_data(assignment.project.call, value=2, row_version=review.row_version)
    )
    review.refresh_from_db()
    call = assignment.project.call
    call.status = CallStatus.DECIDED
    call.save()
    frozen = client.post(url, form_data(call, value=1, row_version=review.row_version))

    assert edited.status_code == 302
    assert review.status == "submitted"
    assert review.total < Decimal("100")
    assert frozen.status_code == 403
    readable = client.get(url)
    assert readable.status_code == 200
    assert "<fieldset disabled>" in readable.content.decode()


def test_stale_form_shows_both_versions_and_overwrites_nothing(client):
    assignment = AssignmentFactory()
    call = assignment.project.call
    review = services.review_save(
        project=assignment.project,
        by=assignment.reviewer,
        scores=full_scores(call, 1),
        fields={},
        row_version=None,
        assessment=None,
    )
    loaded_version = review.row_version
    # Another tab saves in between.
    services.review_save(
        project=assignment.project,
        by=assignment.reviewer,
        scores=full_scores(call, 2),
        fields={},
        row_version=loaded_version,
        assessment=review,
    )
    client.force_login(assignment.reviewer)

    response = client.post(
        reverse("projects:review_edit", kwargs={"pk": assignment.project.pk}),
        form_data(call, value=3, row_version=loaded_version, strengths="Mon texte"),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="stale-conflict"' in content
    assert "Mon texte" in content
    assert set(Assessment.objects.get().scores.values_list("value", flat=True)) == {2}


def test_double_submit_creates_one_assessment(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)
    url = reverse("projects:review_edit", kwargs={"pk": assignment.project.pk})
    data = form_data(assignment.project.call, action="submit")

    first = client.post(url, data)
    second = client.post(url, data)  # the same form, sent twice before the first answer

    assert first.status_code == 302
    assert second.status_code == 200
    assert 'id="stale-conflict"' in second.content.decode()
    assert Assessment.objects.count() == 1


def test_concurrent_creation_becomes_a_message_not_a_server_error():
    assignment = AssignmentFactory()
    # The other request won the race: the assessment exists, this one was loaded without it.
    AssessmentFactory(assignment=assignment, submitted=True, scores=3)

    with pytest.raises(ValidationError) as refused:
        services.review_save(
            project=assignment.project,
            by=assignment.reviewer,
            scores={},
            fields={},
            row_version=None,
            assessment=None,
        )

    assert refused.value.code == "duplicate"
    assert Assessment.objects.count() == 1


# --- Lists, progress, query counts ----------------------------------------------------------


def test_review_list_shows_each_status(client):
    reviewer = reviewer_user()
    todo = AssignmentFactory(reviewer=reviewer)
    draft = AssignmentFactory(reviewer=reviewer)
    done = AssignmentFactory(reviewer=reviewer, done=True)
    conflict = AssignmentFactory(reviewer=reviewer, conflict=True)
    AssessmentFactory(assignment=draft)
    AssessmentFactory(assignment=done, submitted=True, scores=3)
    client.force_login(reviewer)

    response = client.get(reverse("projects:review_list"))

    statuses = {a.project_id: a.status for a in response.context["assignments"]}
    assert statuses == {
        todo.project_id: "todo",
        draft.project_id: "draft",
        done.project_id: "submitted",
    }
    assert [a.project_id for a in response.context["conflicts"]] == [conflict.project_id]
    assert "1/3 évaluations soumises" in response.content.decode()


def test_review_list_query_count_does_not_grow(client):
    reviewer = reviewer_user()
    AssignmentFactory(reviewer=reviewer)
    client.force_login(reviewer)
    url = reverse("projects:review_list")
    client.get(url)

    with count_queries() as one:
        client.get(url)
    for _i in range(3):
        AssessmentFactory(
            assignment=AssignmentFactory(reviewer=reviewer, done=True), submitted=True, scores=3
        )
    with count_queries(one.count):
        client.get(url)


def test_call_reviewers_page_query_count_does_not_grow(client):
    first = AssignmentFactory()
    call = first.project.call
    call.reviewers.add(first.reviewer)
    funder = user_with_role(Role.FUNDER, call.funder)
    client.force_login(funder)
    url = reverse("projects:call_reviewers", kwargs={"pk": call.pk})
    client.get(url)
    with count_queries() as small:
        client.get(url)
    for _i in range(3):
        assignment = AssignmentFactory(project__call=call, done=True)
        call.reviewers.add(assignment.reviewer)
        AssessmentFactory(assignment=assignment, submitted=True, scores=3)
    with count_queries(small.count):
        response = client.get(url)

    assert "3/4 évaluations soumises pour l'appel" in response.content.decode()


def test_progress_counts_per_project_on_the_call_page(client):
    assignment = AssignmentFactory(done=True)
    second_reviewer(assignment.project)
    AssessmentFactory(assignment=assignment, submitted=True, scores=3)
    call = assignment.project.call
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    response = client.get(reverse("projects:call_manage", kwargs={"pk": call.pk}))

    assert "1/2 évaluations" in response.content.decode()


# --- Permissions ----------------------------------------------------------------------------


def test_unassigned_conflicted_and_recused_reviewers_are_denied(client):
    assignment = AssignmentFactory()
    url = reverse("projects:review_edit", kwargs={"pk": assignment.project.pk})
    stranger = reviewer_user()
    conflicted = AssignmentFactory(project=assignment.project, conflict=True)
    recused = AssignmentFactory(project=assignment.project, recused=True)

    for user in (stranger, conflicted.reviewer, recused.reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, form_data(assignment.project.call)).status_code == 403
    client.force_login(assignment.reviewer)
    assert client.get(url).status_code == 200


def test_funder_of_another_call_cannot_manage_its_reviewers(client):
    assignment = AssignmentFactory()
    call = assignment.project.call
    client.force_login(user_with_role(Role.FUNDER))

    assert client.get(reverse("projects:call_reviewers", kwargs={"pk": call.pk})).status_code == 403
    assert (
        client.post(reverse("projects:assignment_recuse", kwargs={"pk": assignment.pk})).status_code
        == 403
    )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ASSIGNED


def test_reviewer_cannot_read_the_holder_project_page(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)

    response = client.get(reverse("projects:project_detail", kwargs={"pk": assignment.project.pk}))

    assert response.status_code == 403


# --- Conflicts and aggregates ---------------------------------------------------------------


def test_conflicted_and_recused_reviewers_are_excluded_from_aggregates():
    counted = AssignmentFactory(done=True)
    project = counted.project
    conflicted, recused = second_reviewer(project, done=True), second_reviewer(project, done=True)
    AssessmentFactory(assignment=counted, submitted=True, scores=3)
    AssessmentFactory(assignment=conflicted, submitted=True, scores=0)
    AssessmentFactory(assignment=recused, submitted=True, scores=0)
    before = selectors.project_aggregate(project=project)

    services.assignment_declare_conflict(
        assignment=conflicted, reason="Conflit", by=conflicted.reviewer
    )
    services.assignment_recuse(assignment=recused, by=counted.reviewer)
    after = selectors.project_aggregate(project=project)

    assert before.count == 3
    assert (after.count, after.mean, after.minimum) == (1, Decimal("100.00"), Decimal("100.00"))
    assert {c.mean_percent for c in dashboards.project_criteria(project=project)} == {
        Decimal("100.0")
    }


def test_declared_conflict_needs_a_reason_and_leaves_the_list(client):
    assignment = AssignmentFactory()
    client.force_login(assignment.reviewer)
    url = reverse("projects:review_conflict", kwargs={"pk": assignment.project.pk})

    refused = client.post(url, {"reason": "  "})
    accepted = client.post(url, {"reason": "Je siège au bureau de l'association."})

    assert refused.status_code == 200
    assert accepted.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFLICT
    assert list(client.get(reverse("projects:review_list")).context["assignments"]) == []


# --- Anti-anchoring -------------------------------------------------------------------------

MARKER_TOTAL = "Évaluateur 1"


# Policy, own review submitted, others visible.
VISIBILITY_TABLE = [
    (ReviewerVisibility.NEVER, False, False),
    (ReviewerVisibility.NEVER, True, False),
    (ReviewerVisibility.AFTER_OWN, False, False),
    (ReviewerVisibility.AFTER_OWN, True, True),
    (ReviewerVisibility.ALWAYS, False, True),
    (ReviewerVisibility.ALWAYS, True, True),
]


@pytest.mark.parametrize(("policy", "own_submitted", "visible"), VISIBILITY_TABLE)
def test_visibility_policy_table(client, policy, own_submitted, visible):
    viewer = AssignmentFactory(project__call__reviewer_visibility=policy, done=own_submitted)
    other = second_reviewer(viewer.project, done=True)
    AssessmentFactory(assignment=other, submitted=True, scores=1)
    if own_submitted:
        AssessmentFactory(assignment=viewer, submitted=True, scores=3)
    client.force_login(viewer.reviewer)

    response = client.get(reverse("projects:review_edit", kwargs={"pk": viewer.project.pk}))

    content = response.content.decode()
    assert response.context["show_others"] is visible
    assert ('id="other-reviews"' in content) is visible
    assert ("33,3 / 100" in content or "33.3 / 100" in content) is visible


@pytest.mark.parametrize(("policy", "own_submitted", "visible"), VISIBILITY_TABLE)
def test_project_analysis_follows_the_visibility_policy_for_reviewers(
    client, policy, own_submitted, visible
):
    viewer = AssignmentFactory(project__call__reviewer_visibility=policy, done=own_submitted)
    other = second_reviewer(viewer.project, done=True)
    other.reviewer.full_name = "NOMEVALUATEUR8812"
    other.reviewer.save()
    if own_submitted:
        AssessmentFactory(assignment=viewer, submitted=True, scores=3)
    AssessmentFactory(assignment=other, submitted=True, scores=1)
    client.force_login(viewer.reviewer)

    response = client.get(reverse("projects:project_analysis", args=[viewer.project.pk]))

    assert response.status_code == (200 if visible else 403)
    if visible:
        names = [row["name"] for row in response.context["reviewers"]]
        # The other reviewers are anonymised for a reviewer, as on the scoring form.
        # Numbered among the others, in the order of the reviews, as on the scoring form.
        assert names == (["Vous", "Évaluateur 1"] if own_submitted else ["Évaluateur 1"])
        assert "NOMEVALUATEUR8812" not in response.content.decode()
        assert response.context["back_url"] == reverse(
            "projects:review_edit", args=[viewer.project.pk]
        )


def test_project_analysis_is_denied_to_a_conflicted_or_unassigned_reviewer(client):
    viewer = AssignmentFactory(
        project__call__reviewer_visibility=ReviewerVisibility.ALWAYS, conflict=True
    )
    other = second_reviewer(viewer.project, done=True)
    AssessmentFactory(assignment=other, submitted=True, scores=3)
    url = reverse("projects:project_analysis", args=[viewer.project.pk])
    stranger = reviewer_user(viewer.project.call.funder)

    client.force_login(viewer.reviewer)
    conflicted = client.get(url)
    client.force_login(stranger)
    unassigned = client.get(url)

    assert (conflicted.status_code, unassigned.status_code) == (403, 403)


def test_scoring_form_links_to_the_analysis_once_others_are_visible(client):
    viewer = AssignmentFactory(project__call__reviewer_visibility=ReviewerVisibility.AFTER_OWN)
    url = reverse("projects:review_edit", args=[viewer.project.pk])
    analysis = reverse("projects:project_analysis", args=[viewer.project.pk])
    client.force_login(viewer.reviewer)
    before = client.get(url).content.decode()
    AssessmentFactory(assignment=viewer, submitted=True, scores=3)

    after = client.get(url).content.decode()

    assert (analysis in before, analysis in after) == (False, True)


# --- Blind mode -----------------------------------------------------------------------------


def test_blind_mode_hides_the_holder_identity_everywhere_a_reviewer_looks(client):
    markers = {
        "organisation": "ORGMARQUEUR7731",
        "owner": "PORTEURMARQUEUR5521",
        "co_holder": "COPORTEURMARQUEUR9902",
        "file": "FICHIERMARQUEUR4410",
    }
    assignment = AssignmentFactory(project__call__blind_mode=True, done=True)
    project = assignment.project
    project.organisation.name = markers["organisation"]
    project.organisation.save()
    project.owner.full_name = markers["owner"]
    project.owner.save()
    co_holder = user_with_role(Role.HOLDER, project.organisation)
    co_holder.full_name = markers["co_holder"]
    co_holder.save()
    project.co_holders.add(co_holder)
    attachment = Attachment(
        project=project, original_name=f"{markers['file']}.pdf", size=len(PDF_BYTES)
    )
    attachment.file.save("x.pdf", ContentFile(PDF_BYTES), save=True)
    other = second_reviewer(project, done=True)
    AssessmentFactory(assignment=other, submitted=True, scores=3)
    AssessmentFactory(assignment=assignment, submitted=True, scores=3)
    client.force_login(assignment.reviewer)
    pk = {"pk": project.pk}

    responses = [
        client.get(reverse("projects:review_list")),
        client.get(reverse("projects:review_edit", kwargs=pk)),
        client.post(reverse("projects:review_total", kwargs=pk), form_data(project.call)),
        client.get(reverse("projects:review_conflict", kwargs=pk)),
        client.get(reverse("projects:review_attachment", kwargs={"pk": attachment.pk})),
        client.get(reverse("projects:project_analysis", kwargs=pk)),
        client.get(reverse("projects:call_list")),
        client.get(reverse("accounts:profile")),
    ]

    for response in responses:
        assert response.status_code == 200
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("latin-1") + str(dict(response.headers.items()))
        for marker in markers.values():
            assert marker not in text, (response.request["PATH_INFO"], marker)
    # The same page without blind mode does show them: the test can fail.
    project.call.blind_mode = False
    project.call.save()
    visible = client.get(reverse("projects:review_edit", kwargs=pk)).content.decode()
    assert all(marker in visible for marker in markers.values())


# --- Assignment -----------------------------------------------------------------------------


def test_automatic_assignment_balances_200_projects_over_15_reviewers():
    call = CallFactory(review=True)
    projects = [ProjectFactory(call=call, under_review=True) for _i in range(200)]
    reviewers = [reviewer_user() for _i in range(15)]
    call.reviewers.add(*reviewers)
    # Three reviewers belong to a project's organisation; two declared conflicts beforehand.
    for reviewer, project in zip(reviewers[:3], projects[:3], strict=True):
        Membership.objects.create(
            user=reviewer, organisation=project.organisation, role=Role.HOLDER
        )
    for reviewer, project in zip(reviewers[3:5], projects[3:5], strict=True):
        AssignmentFactory(project=project, reviewer=reviewer, conflict=True)
    manager = user_with_role(Role.FUNDER, call.funder)

    created = services.assignments_auto(call=call, per_project=3, by=manager)

    active = Assignment.objects.active().filter(project__call=call)
    assert created == 600
    per_project = {p.pk: 0 for p in projects}
    load = {r.pk: 0 for r in reviewers}
    for project_id, reviewer_id in active.values_list("project_id", "reviewer_id"):
        per_project[project_id] += 1
        load[reviewer_id] += 1
    assert set(per_project.values()) == {3}
    assert max(load.values()) - min(load.values()) <= 1
    for reviewer, project in zip(reviewers[:5], projects[:5], strict=True):
        assert not active.filter(project=project, reviewer=reviewer).exists()
    # Running it again assigns nothing more.
    assert services.assignments_auto(call=call, per_project=3, by=manager) == 0


def test_automatic_assignment_prefers_the_project_territory():
    from territories.models import Commune
    from tests.factories import OrganisationFactory

    call = CallFactory(review=True)
    ProjectFactory(call=call, under_review=True)  # in Amiens (80)
    far = reviewer_user(OrganisationFactory(commune=Commune.objects.get(code="33063")))
    near = reviewer_user(OrganisationFactory(commune=Commune.objects.get(code="80021")))
    call.reviewers.add(far, near)

    services.assignments_auto(call=call, per_project=1, by=None)

    assert list(Assignment.objects.values_list("reviewer", flat=True)) == [near.pk]


def test_bulk_assignment_by_hand_emails_after_commit(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    call = CallFactory(review=True)
    projects = [ProjectFactory(call=call, under_review=True) for _i in range(2)]
    reviewers = [reviewer_user() for _i in range(2)]
    call.reviewers.add(*reviewers)
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("projects:call_assign", kwargs={"pk": call.pk}),
            {"projects": [p.pk for p in projects], "reviewers": [r.pk for r in reviewers]},
        )

    assert response.status_code == 302
    assert Assignment.objects.count() == 4
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.email for r in reviewers)


def test_member_of_the_project_organisation_cannot_be_assigned():
    project = ProjectFactory(call=CallFactory(review=True), under_review=True)
    insider = reviewer_user(project.organisation)

    with pytest.raises(ValidationError):
        services.assignments_create(call=project.call, pairs=[(project, insider)], by=None)

    assert not Assignment.objects.exists()


# --- Pool and invitations -------------------------------------------------------------------


def test_invitation_creates_the_account_on_acceptance(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    call = CallFactory(review=True)
    client.force_login(user_with_role(Role.FUNDER, call.funder))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("projects:call_pool", kwargs={"pk": call.pk}), {"email": "Expert@Example.fr"}
        )
    invitation = ReviewerInvitation.objects.get()
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invitations/" in line)
    client.logout()

    response = client.post(
        link, {"full_name": "Experte Invitée", "password": "un-mot-de-passe-tres-long"}
    )

    assert response.status_code == 302
    user = invitation.call.reviewers.get()
    assert user.email == "expert@example.fr"
    assert Membership.objects.filter(
        user=user, role=Role.REVIEWER, organisation=call.funder
    ).exists()
    assert client.get(link).status_code == 404  # used once


def test_forged_invitation_token_is_refused(client):
    response = client.get(reverse("projects:invitation_accept", kwargs={"token": "forge:abc"}))

    assert response.status_code == 404


def test_existing_reviewer_joins_the_pool_at_once(client):
    call = CallFactory(review=True)
    reviewer = reviewer_user()
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    client.post(reverse("projects:call_pool", kwargs={"pk": call.pk}), {"email": reviewer.email})

    assert list(call.reviewers.all()) == [reviewer]
    assert not ReviewerInvitation.objects.exists()


# --- Decisions and feedback -----------------------------------------------------------------


def test_manager_decides_and_holder_reads_feedback_once_decided(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    assignment = AssignmentFactory(project__call__feedback_policy="full", done=True)
    project = assignment.project
    AssessmentFactory(project=project, self_assessment=True)
    AssessmentFactory(
        assignment=assignment, submitted=True, scores=2, strengths="COMMENTAIRE-ANONYME"
    )
    call = project.call
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("projects:decision_edit", kwargs={"pk": project.pk}),
            {"outcome": "selected", "amount_granted": "15000", "motivation": "Projet solide."},
        )
    client.force_login(project.owner)
    before = client.get(
        reverse("projects:project_detail", kwargs={"pk": project.pk})
    ).content.decode()
    call.status = CallStatus.DECIDED
    call.save()
    after = client.get(
        reverse("projects:project_detail", kwargs={"pk": project.pk})
    ).content.decode()

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.SELECTED
    assert Decision.objects.get().amount_granted == Decimal("15000")
    assert [m.to for m in mailoutbox] == [[project.owner.email]]
    assert 'id="decision"' not in before
    assert 'id="decision"' in after and "COMMENTAIRE-ANONYME" in after
    assert assignment.reviewer.full_name not in after


def test_holder_reads_reviewer_means_and_gaps_beside_their_self_assessment(client):
    assignment = AssignmentFactory(project__call__feedback_policy="full", done=True)
    project = assignment.project
    criteria = criteria_of(project.call)
    first, second = criteria[0], criteria[1]
    # The holder gave the top level to the first criterion and the minimum to the second
    # before submitting (built by the factory: the project is already submitted).
    AssessmentFactory(
        project=project,
        self_assessment=True,
        scores={first.code: first.scale_max, second.code: second.scale_min},
    )
    AssessmentFactory(assignment=assignment, submitted=True, scores=2)
    services.decision_record(
        project=project,
        outcome="selected",
        amount_granted=None,
        motivation="",
        by=user_with_role(Role.FUNDER, project.call.funder),
    )
    project.call.status = CallStatus.DECIDED
    project.call.save()
    client.force_login(project.owner)

    response = client.get(reverse("projects:project_detail", kwargs={"pk": project.pk}))

    rows = {row.code: reviewers for row, reviewers in response.context["chart"]}
    reviewers_percent = Decimal(200) / 3  # 2 on a 0–3 scale
    assert rows[first.code].mean_percent == Decimal("66.7")
    assert rows[first.code].gap == (100 - reviewers_percent).quantize(Decimal("0.1"))
    assert rows[second.code].gap == (0 - reviewers_percent).quantize(Decimal("0.1"))
    content = response.content.decode()
    assert "+33,3" in content and "-66,7" in content


def test_feedback_policy_decision_only_shows_no_comment(client):
    assignment = AssignmentFactory(project__call__feedback_policy="decision", done=True)
    project = assignment.project
    AssessmentFactory(
        assignment=assignment, submitted=True, scores=3, strengths="COMMENTAIRE-CACHE"
    )
    services.decision_record(
        project=project,
        outcome="rejected",
        amount_granted=Decimal("5"),
        motivation="",
        by=assignment.reviewer,
    )
    project.call.status = CallStatus.DECIDED
    project.call.save()
    client.force_login(project.owner)

    content = client.get(
        reverse("projects:project_detail", kwargs={"pk": project.pk})
    ).content.decode()

    assert 'id="decision"' in content
    assert "COMMENTAIRE-CACHE" not in content
    assert Decision.objects.get().amount_granted is None


def test_invitation_cannot_enrol_someone_signed_in_under_another_address(client):
    call = CallFactory(review=True)
    invitation = ReviewerInvitation.objects.create(call=call, email="expert@example.fr")
    from projects.services import invitation_token

    client.force_login(reviewer_user())

    response = client.post(
        reverse("projects:invitation_accept", kwargs={"token": invitation_token(invitation)})
    )

    assert response.status_code == 200
    assert "expert@example.fr" in response.content.decode()
    assert not call.reviewers.exists()


def test_project_aggregate_equals_the_call_ranking_figures():
    from projects.dashboards import call_ranking

    first = AssignmentFactory(done=True)
    project = first.project
    AssessmentFactory(assignment=first, submitted=True, scores=3)
    AssessmentFactory(assignment=second_reviewer(project, done=True), submitted=True, scores=1)
    AssessmentFactory(assignment=second_reviewer(project, done=True), submitted=True, scores=2)

    aggregate = selectors.project_aggregate(project=project)
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


# The scoring form reads the same number of queries however many others reviewed the project
# (`make bench` measures it at 2,000 projects × 5 reviewers).
SCORING_FORM_QUERIES = {"get": 13, "post": 21}


@pytest.mark.parametrize("others", [1, 3])
@pytest.mark.parametrize("method", sorted(SCORING_FORM_QUERIES))
def test_scoring_form_query_count_does_not_grow(client, method, others):
    assignment = AssignmentFactory(
        project__call__reviewer_visibility=ReviewerVisibility.ALWAYS, done=True
    )
    project = assignment.project
    for _i in range(others):
        AssessmentFactory(assignment=second_reviewer(project, done=True), submitted=True, scores=2)
    review = AssessmentFactory(assignment=assignment, submitted=True, scores=3)
    client.force_login(assignment.reviewer)
    url = reverse("projects:review_edit", args=[project.pk])
    data = form_data(project.call, value=3, row_version=review.row_version)
    client.get(url)

    with count_queries(SCORING_FORM_QUERIES[method]):
        response = client.post(url, data) if method == "post" else client.get(url)

    assert response.status_code == (302 if method == "post" else 200)
    if method == "get":
        assert len(response.context["others"]) == others
