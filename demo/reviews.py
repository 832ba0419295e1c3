"""Demo reviews: a pool of reviewers per call, balanced assignments, reviews at every status
and, for a decided call, the decisions. Never used in production."""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import Membership, Role, User
from demo.accounts import DEMO_FUNDER, DEMO_REVIEWER
from projects import services
from projects.models import (
    Assessment,
    Assignment,
    AssignmentState,
    CallStatus,
    Outcome,
    ProjectStatus,
)
from projects.selectors.reminders import paris_date

REVIEW_COMMENTS = [
    "Besoin bien documenté par des données locales.",
    "Partenariats solides mais modèle économique fragile.",
    "Impact mesuré de façon convaincante.",
    "Gouvernance à préciser.",
]


def _demo_reviewers(call) -> list[User]:
    """The demo reviewer account and five fictitious colleagues (who cannot log in)."""
    reviewers = []
    demo = User.objects.filter(email=DEMO_REVIEWER).first()
    if demo is not None:
        reviewers.append(demo)
    for index in range(1, 6):
        email = f"evaluateur-{index}@demo.evalis.fr"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None, full_name=f"Évaluateur démo {index}"
        )
        Membership.objects.get_or_create(user=user, organisation=call.funder, role=Role.REVIEWER)
        reviewers.append(user)
    return reviewers


def _review(assignment, criteria, rng, quality: int, *, submit: bool) -> Assessment:
    scores = {}
    for criterion in criteria:
        value = max(
            criterion.scale_min, min(criterion.scale_max, quality + rng.choice([-1, 0, 0, 1]))
        )
        scores[criterion.pk] = (value, rng.choice(REVIEW_COMMENTS))
    assessment = services.review_save(
        project=assignment.project,
        by=assignment.reviewer,
        scores=scores,
        fields={
            "opinion": "favourable"
            if quality >= 2
            else "reserved"
            if quality == 1
            else "unfavourable",
            "strengths": rng.choice(REVIEW_COMMENTS[::2]),
            "weaknesses": rng.choice(REVIEW_COMMENTS[1::2]),
        },
        row_version=services.NEW_ASSESSMENT,
    )
    if submit:
        assessment = services.review_submit(assessment=assessment, by=assignment.reviewer)
    return assessment


def demo_call_review(call, criteria, *, decide: bool) -> None:
    """Pool, balanced assignment (3 per project) and reviews: mostly submitted, some drafts,
    one declared conflict; a decided call also gets its decisions and moves to "decided"."""
    # Its own random sequence: the other calls' demo data stay as they were.
    rng = random.Random(f"reviews {call.title}")
    reviewers = _demo_reviewers(call)
    call.reviewers.add(*reviewers)
    services.assignments_auto(call=call, per_project=3, by=None)
    demo = reviewers[0] if reviewers and reviewers[0].email == DEMO_REVIEWER else None
    demo_seen = 0
    qualities = {}
    for index, assignment in enumerate(
        Assignment.objects.filter(project__call=call).select_related("project", "reviewer")
    ):
        quality = qualities.setdefault(assignment.project_id, rng.choice([1, 2, 2, 3]))
        if decide:
            _review(assignment, criteria, rng, quality, submit=True)
            continue
        # The demo reviewer meets every status: a conflict, a draft, one to do, the rest done.
        step = demo_seen if assignment.reviewer == demo else index % 6 + 3
        demo_seen += assignment.reviewer == demo
        if step == 0:
            services.assignment_declare_conflict(
                assignment=assignment,
                reason="J'ai accompagné cette structure l'an dernier.",
                by=assignment.reviewer,
            )
        elif step in (1, 4):
            _review(assignment, criteria, rng, quality, submit=False)
        elif step not in (2, 7):
            _review(assignment, criteria, rng, quality, submit=True)
    if not decide:
        _demo_deadlines(call, rng)
        return
    funder = User.objects.filter(email=DEMO_FUNDER).first() or reviewers[0]
    projects = sorted(
        call.projects.filter(status=ProjectStatus.UNDER_REVIEW),
        key=lambda p: -qualities.get(p.pk, 0),
    )
    for rank, project in enumerate(projects):
        outcome = (
            Outcome.SELECTED
            if rank < len(projects) // 3
            else Outcome.WAITLISTED
            if rank < len(projects) // 2
            else Outcome.REJECTED
        )
        services.decision_propose(
            project=project,
            outcome=outcome,
            amount_granted=project.amount_requested if outcome == Outcome.SELECTED else None,
            motivation="Décision du comité de sélection régional.",
            # The demo's committee funds what was asked, whatever the envelope says.
            override_reason="Démonstration : montant demandé accordé.",
            by=funder,
        )
    services.decisions_publish(
        call=call, by=funder, override_reason="Démonstration : enveloppe indicative."
    )
    services.call_transition(call=call, to=CallStatus.DECIDED, by=None)


def _demo_deadlines(call, rng) -> None:
    """A call in review with due dates: the call's deadline in five days; some unfinished
    reviews given an earlier due date, now past (late reviewers); assignments made the day
    after the call closed. The scheduler then sends what is due (J−2 and J+1 reminders, the
    managers' escalation), as the worker would, so the reminders show on the call's pages."""
    now = timezone.now()
    today = paris_date(now)
    call.review_deadline = today + timedelta(days=5)
    call.save(update_fields=["review_deadline"])
    Assignment.objects.filter(project__call=call).update(
        created_at=call.closes_at + timedelta(days=1)
    )
    unfinished = list(
        Assignment.objects.filter(project__call=call, state=AssignmentState.ASSIGNED).order_by("pk")
    )
    for index, assignment in enumerate(unfinished):
        if index % 2 == 0:
            assignment.due_date = today - timedelta(days=rng.choice([2, 4]))
            assignment.save(update_fields=["due_date"])
    services.reminders_run(now=now)
