"""Reads of projects and self-assessments: querysets with what their pages need, so that
query counts do not grow with the data."""

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import NamedTuple

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import organisation_ids
from grid.models import Criterion
from grid.selectors import version_criteria
from projects.models import (
    Assessment,
    AssessmentKind,
    Assignment,
    AssignmentState,
    CallStatus,
    Project,
    ProjectStatus,
    Score,
)


def _with_self_total(projects):
    """The self-assessment as a figure (the `self_figure` template tag): its
    status and total, and for a draft the criteria answered out of the version's."""
    self_assessments = Assessment.objects.filter(project=OuterRef("pk"), kind=AssessmentKind.SELF)
    return projects.annotate(
        self_total=Subquery(self_assessments.values("total")[:1]),
        self_status=Subquery(self_assessments.values("status")[:1]),
        self_answered=_count_of(
            Score.objects.filter(
                assessment__project=OuterRef("pk"), assessment__kind=AssessmentKind.SELF
            ),
            "assessment__project_id",
        ),
        self_criteria=_count_of(
            Criterion.objects.filter(version_id=OuterRef("call__grid_version_id")), "version_id"
        ),
    )


def _count_of(queryset, group="project_id"):
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]),
        0,
    )


def call_projects(*, call):
    """The call's projects that count, as its managers list them, each with its active
    assignments and those done ("2/3"): the one statement of a call's review progress per
    project."""
    projects = (
        call.projects.submitted()
        .select_related("organisation", "commune", "departement", "region")
        .order_by("departement__position", "title", "pk")
    )
    # Subqueries rather than joins: the counts must not multiply each other's rows.
    active = Assignment.objects.active().filter(project=OuterRef("pk"))
    projects = projects.annotate(
        assigned_count=_count_of(active),
        done_count=_count_of(active.filter(state=AssignmentState.DONE)),
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
            "call__funder",
            "call__grid_version",
            "organisation",
            "owner",
            "commune",
            "departement",
            "region",
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
    percent: Fraction | None  # normalised × 100, exact
    level_label: str
    comment: str
    answered: bool  # False: not answered yet; answered with value None: "sans objet"


def self_assessment_chart(*, assessment: Assessment) -> list[ChartRow]:
    """One row per criterion of the version, ready to draw (bar width in percent)."""
    scores = {score.criterion_id: score for score in assessment.scores.all()}
    rows = []
    for criterion in version_criteria(assessment.grid_version_id):
        score = scores.get(criterion.pk)
        value = score.value if score else None
        levels = {level.value: level.label_display for level in criterion.levels.all()}
        rows.append(
            ChartRow(
                code=criterion.code,
                label=criterion.label_display,
                axis=criterion.axis.code,
                is_core=criterion.is_core,
                value=value,
                scale_max=criterion.scale_max,
                percent=(
                    Fraction(value - criterion.scale_min, criterion.scale_max - criterion.scale_min)
                    * 100
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


class NextStep(NamedTuple):
    """What a holder does next with a project, and where (a view taking the project's pk and
    an anchor), read from the project and its call only: a list costs no query per row."""

    message: str
    view: str = ""
    anchor: str = ""
    when: datetime | None = None  # shown after the message, in Paris time


def holder_next_step(project: Project, *, now=None) -> NextStep:
    now = now or timezone.now()
    call = project.call
    if project.status == ProjectStatus.DRAFT:
        if call.status == CallStatus.OPEN and call.opens_at <= now < call.closes_at:
            return NextStep(
                _("Compléter puis déposer avant le"),
                "projects:project_detail",
                "gaps",
                call.closes_at,
            )
        if call.status == CallStatus.OPEN and now < call.opens_at:
            return NextStep(
                _("Préparer le brouillon : l'appel ouvre le"),
                "projects:project_edit",
                "",
                call.opens_at,
            )
        return NextStep(_("L'appel est clos : ce brouillon ne peut plus être déposé."))
    if project.status in (ProjectStatus.SUBMITTED, ProjectStatus.UNDER_REVIEW):
        return NextStep(_("Rien à faire : le financeur évalue les projets déposés."))
    if project.status == ProjectStatus.WITHDRAWN:
        return NextStep(_("Projet retiré."))
    return NextStep(_("Lire la décision"), "projects:project_detail", "decision")
