"""Fixtures shared by the projects tests of several layers."""

import pytest
from django.utils import timezone

from accounts.models import Role
from grid.models import Criterion
from grid.services import grid_version_import, grid_version_publish
from projects.models import Decision, DecisionStatus
from territories.models import Commune
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    UserFactory,
    grid_payload,
    user_with_role,
)
from tests.projects.helpers import scores


def small_version():
    version = grid_version_import(payload=grid_payload(criteria=3, slug="tableaux"))
    Criterion.objects.filter(version=version, code="K1").update(threshold=1)
    grid_version_publish(version=version)
    return version


@pytest.fixture
def example(db):
    """A call in review on a small grid, with reviews computed by hand.

    The small grid: K1 core (weight 2, threshold 1), K2 and K3 complementary (weight 1), scale 0–2.

    Project A (Amiens, Somme, Hauts-de-France), selected:
    - R1 submitted 2, 1, N/A → 100 × (2×1 + 1×0.5) / 3 = 83.33
    - R2 submitted 1, 0, 2   → 100 × (2×0.5 + 0 + 1) / 4 = 50.00
    - R3 submitted 0, 2, 2   → 100 × (0 + 1 + 1) / 4 = 50.00
    - R4 draft 2, 2, 2 (not counted); R5 submitted 0, 0, 0 but in conflict (not counted)
    - self-assessment 2, 2, 1 → 87.50
      exact totals 250/3, 50, 50: mean 550/9 = 61.11, median 50, min 50, max 83.33, range
      100/3 = 33.33 (≥ 20: flagged), sample standard deviation √(1000/27) = 19.245008… →
      19.25; coverage (2 + 3 + 3) / 9 = 88.9 %; K1 mean 1 ≥ threshold 1: core gate passed.
    Project B (Paris): R1 0, 2, 2 → 50; R2 1, 2, N/A → 200/3 = 66.67
      mean and median 175/3 = 58.33 (never 58.34: no rounding before the mean); range 16.67;
      sample standard deviation (50/3)/√2 = 11.785113… → 11.79; K1 mean 0.5 < 1: core gate
      failed.
    Project W (Amiens) withdrawn, with a submitted review of 100: never counted.
    """
    version = small_version()
    funder = user_with_role(Role.FUNDER)
    organisation = funder.memberships.get().organisation
    call = CallFactory(funder=organisation, grid_version=version, review=True)
    amiens = Commune.objects.get(code="80021")
    paris = Commune.objects.get(code="75056")
    a = ProjectFactory(call=call, submitted=True, commune=amiens, title="A")
    b = ProjectFactory(call=call, submitted=True, commune=paris, title="B")
    w = ProjectFactory(call=call, submitted=True, commune=amiens, title="W", status="withdrawn")
    r1, r2, r3, r4, r5 = (UserFactory(full_name=f"R{n}") for n in range(1, 6))
    for reviewer in (r1, r2, r3, r4):
        AssignmentFactory(project=a, reviewer=reviewer)
    AssignmentFactory(project=a, reviewer=r5, conflict=True)
    AssignmentFactory(project=b, reviewer=r1)
    AssignmentFactory(project=b, reviewer=r2)
    AssessmentFactory(project=a, author=r1, submitted=True, scores=scores(2, 1, None))
    AssessmentFactory(project=a, author=r2, submitted=True, scores=scores(1, 0, 2))
    AssessmentFactory(project=a, author=r3, submitted=True, scores=scores(0, 2, 2))
    AssessmentFactory(project=a, author=r4, scores=scores(2, 2, 2))
    AssessmentFactory(project=a, author=r5, submitted=True, scores=scores(0, 0, 0))
    AssessmentFactory(project=a, self_assessment=True, submitted=True, scores=scores(2, 2, 1))
    AssessmentFactory(project=b, author=r1, submitted=True, scores=scores(0, 2, 2))
    AssessmentFactory(project=b, author=r2, submitted=True, scores=scores(1, 2, None))
    AssessmentFactory(project=w, author=r1, submitted=True, scores=scores(2, 2, 2))
    Decision.objects.create(
        project=a,
        outcome="selected",
        decided_by=funder,
        status=DecisionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    return {"call": call, "funder": funder, "a": a, "b": b, "w": w, "reviewers": [r1, r2, r3, r4]}
