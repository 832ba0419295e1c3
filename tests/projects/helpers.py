"""Helpers shared by the projects tests of several layers."""

import rules
from django.core.files.uploadedfile import SimpleUploadedFile

from grid.models import Criterion
from projects import services
from projects.models import Assessment, Assignment, ReviewerVisibility
from tests.factories import AssignmentFactory


def messages_of(excinfo) -> str:
    return " | ".join(excinfo.value.messages)


def can(user, perm, obj=None) -> bool:
    return rules.has_perm(perm, user, obj)


def titles(response) -> list[str]:
    return [call.title for call in response.context["calls"]]


def upload(name: str, content: bytes, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def criteria_of(call):
    return list(Criterion.objects.filter(version=call.grid_version).order_by("pk"))


def second_reviewer(project, **traits) -> Assignment:
    return AssignmentFactory(project=project, **traits)


def decide_and_publish(project, outcome, *, by, amount=None, motivation="Motivation."):
    """Propose the decision on `project`, then publish it: what the committee does in two
    steps, in one call for the tests that need a published decision."""
    decision = services.decision_propose(
        project=project, outcome=outcome, amount_granted=amount, motivation=motivation, by=by
    )
    services.decisions_publish(call=project.call, by=by, decision_ids=[decision.pk])
    decision.refresh_from_db()
    return decision


def scores(k1, k2, k3):
    """Values for the three criteria of the small grid of the `example` fixture."""
    return {"K1": k1, "K2": k2, "K3": k3}


# Policy, own review submitted, others visible.
VISIBILITY_TABLE = [
    (ReviewerVisibility.NEVER, False, False),
    (ReviewerVisibility.NEVER, True, False),
    (ReviewerVisibility.AFTER_OWN, False, False),
    (ReviewerVisibility.AFTER_OWN, True, True),
    (ReviewerVisibility.ALWAYS, False, True),
    (ReviewerVisibility.ALWAYS, True, True),
]


def current_row_version(assessment) -> int:
    """The row version an editor would read now (optimistic locking is required)."""
    return Assessment.objects.only("row_version").get(pk=assessment.pk).row_version
