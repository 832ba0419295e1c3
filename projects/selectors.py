"""Reads of calls, projects and self-assessments: querysets with what their pages need, so
that query counts do not grow with the data."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from accounts.models import Role
from grid.models import Criterion
from projects.models import (
    Assessment,
    AssessmentKind,
    Call,
    CallStatus,
    Project,
    ProjectStatus,
)
from projects.rules import organisation_ids
from projects.scoring import normalise


def _call_base():
    return Call.objects.select_related("funder", "grid_version__grid").prefetch_related(
        "regions", "departements"
    )


def calls_open(*, region=None, departement=None, now=None):
    """Open calls still accepting projects, optionally those that cover a région or a
    département (a national call covers everything)."""
    now = now or timezone.now()
    calls = _call_base().filter(status=CallStatus.OPEN, closes_at__gt=now)
    national = Q(regions__isnull=True, departements__isnull=True)
    if departement is not None:
        calls = calls.filter(
            national | Q(regions=departement.region_id) | Q(departements=departement.pk)
        )
    elif region is not None:
        calls = calls.filter(national | Q(regions=region.pk) | Q(departements__region=region.pk))
    # The joins above can repeat a call; a subquery keeps ordering and prefetching simple.
    return _call_base().filter(pk__in=calls.values("pk")).order_by("closes_at", "pk")


def calls_for_funder(*, user):
    """The calls a funder manages (administrators: all), with their project counts."""
    calls = _call_base().annotate(
        submitted_count=Count(
            "projects",
            filter=~Q(projects__status__in=[ProjectStatus.DRAFT, ProjectStatus.WITHDRAWN]),
        ),
        draft_count=Count("projects", filter=Q(projects__status=ProjectStatus.DRAFT)),
    )
    if not user.is_staff:
        calls = calls.filter(funder_id__in=organisation_ids(user, Role.FUNDER))
    return calls.order_by("-opens_at", "pk")


def _with_self_total(projects):
    self_assessments = Assessment.objects.filter(project=OuterRef("pk"), kind=AssessmentKind.SELF)
    return projects.annotate(
        self_total=Subquery(self_assessments.values("total")[:1]),
        self_status=Subquery(self_assessments.values("status")[:1]),
    )


def call_projects(*, call):
    """The call's projects visible to its funder: submitted ones, never drafts."""
    projects = (
        call.projects.submitted()
        .select_related("organisation", "commune", "departement", "region")
        .order_by("departement__position", "title", "pk")
    )
    return _with_self_total(projects)


def projects_for_holder(*, user):
    """The projects of every organisation where `user` is a holder."""
    projects = Project.objects.filter(
        organisation_id__in=organisation_ids(user, Role.HOLDER)
    ).select_related("call", "organisation", "commune", "owner")
    return _with_self_total(projects).order_by("organisation__name", "-updated_at", "pk")


def project_detail(*, pk: int) -> Project:
    return (
        Project.objects.select_related(
            "call__funder", "call__grid_version", "organisation", "owner", "commune", "departement"
        )
        .prefetch_related(
            "attachments", "co_holders", "eligibility_confirmed", "call__eligibility_items"
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class ChartRow:
    code: str
    label: str
    axis: str
    is_core: bool
    value: int | None
    scale_max: int
    percent: Decimal | None  # normalised × 100, for the bar
    level_label: str
    comment: str
    answered: bool  # False: not answered yet; answered with value None: "sans objet"


def self_assessment_chart(*, assessment: Assessment) -> list[ChartRow]:
    """One row per criterion of the version, ready to draw (bar width in percent)."""
    scores = {score.criterion_id: score for score in assessment.scores.all()}
    rows = []
    criteria = (
        Criterion.objects.filter(version_id=assessment.grid_version_id)
        .select_related("axis")
        .prefetch_related("levels")
        .order_by("axis__position", "position", "code")
    )
    for criterion in criteria:
        score = scores.get(criterion.pk)
        value = score.value if score else None
        levels = {level.value: level.label for level in criterion.levels.all()}
        rows.append(
            ChartRow(
                code=criterion.code,
                label=criterion.label,
                axis=criterion.axis.code,
                is_core=criterion.is_core,
                value=value,
                scale_max=criterion.scale_max,
                percent=(
                    (normalise(value, criterion.scale_min, criterion.scale_max) * 100).quantize(
                        Decimal("0.1")
                    )
                    if value is not None
                    else None
                ),
                level_label=levels.get(value, "") if score else "",
                comment=score.comment if score else "",
                answered=score is not None,
            )
        )
    return rows


def self_assessment_of(project: Project) -> Assessment | None:
    return (
        project.assessments.self_assessments()
        .prefetch_related(Prefetch("scores"))
        .select_related("grid_version")
        .first()
    )
