"""Reads of calls, projects and self-assessments: querysets with what their pages need, so
that query counts do not grow with the data."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from grid.models import Criterion
from projects.dashboards import (
    EXCLUDED_ASSIGNMENTS,
    HIDDEN_PROJECTS,
    project_criteria,
    project_review_figures,
)
from projects.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    Assignment,
    AssignmentState,
    Call,
    CallStatus,
    FeedbackPolicy,
    Project,
    ProjectStatus,
    ReviewerVisibility,
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
    # Subqueries rather than joins: the counts must not multiply each other's rows.
    active = Assignment.objects.active().filter(project=OuterRef("pk"))
    projects = projects.annotate(
        assigned_count=_count_of(active),
        done_count=_count_of(active.filter(state=AssignmentState.DONE)),
    )
    return _with_self_total(projects)


def _count_of(queryset):
    return Coalesce(
        Subquery(queryset.order_by().values("project_id").annotate(n=Count("pk")).values("n")[:1]),
        0,
    )


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


def project_for_review(*, pk: int) -> Project:
    """The project as the reviewing pages read it: no eligibility answers (holders' and
    managers' business), files and co-holders fetched only when a page shows them, and no
    join the pages do not read (the call's funder and grid version: PostgreSQL spent more
    time planning the 8-table join than running it)."""
    return Project.objects.select_related(
        "call", "organisation", "owner", "commune", "departement", "region"
    ).get(pk=pk)


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


# --- Reviewing ------------------------------------------------------------------------------


class ReviewStatus:
    TODO = "todo"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CONFLICT = "conflict"


REVIEW_STATUS_LABELS = {
    ReviewStatus.TODO: _("À faire"),
    ReviewStatus.DRAFT: _("Brouillon"),
    ReviewStatus.SUBMITTED: _("Soumise"),
    ReviewStatus.CONFLICT: _("Conflit déclaré"),
}


def reviewer_assignments(*, user):
    """The reviewer's list "à évaluer": their assignments (recused ones left out) with the
    project, the call and the status of their own review, in one query."""
    own = Assessment.objects.filter(
        project=OuterRef("project_id"), author=user, kind=AssessmentKind.REVIEW
    )
    return (
        Assignment.objects.filter(reviewer=user)
        .exclude(state=AssignmentState.RECUSED)
        .select_related("project__call", "project__departement", "project__organisation")
        .annotate(
            review_status=Subquery(own.values("status")[:1]),
            review_total=Subquery(own.values("total")[:1]),
        )
        .order_by("project__call__closes_at", "project__title", "pk")
    )


def review_status(assignment) -> str:
    if assignment.state == AssignmentState.CONFLICT:
        return ReviewStatus.CONFLICT
    if assignment.review_status == AssessmentStatus.SUBMITTED:
        return ReviewStatus.SUBMITTED
    if assignment.review_status == AssessmentStatus.DRAFT:
        return ReviewStatus.DRAFT
    return ReviewStatus.TODO


def counted_reviews():
    """Review assessments that count in aggregates (design §4): submitted reviews with a total,
    of projects neither draft nor withdrawn, whose author has not declared a conflict nor been
    recused on the project. The ORM form of dashboards.VALID_REVIEWS, built from the same
    constants; a test pins that both select the same assessments."""
    return (
        Assessment.objects.reviews()
        .submitted()
        .filter(total__isnull=False)
        .exclude(project__status__in=HIDDEN_PROJECTS)
        .filter(
            ~Exists(
                Assignment.objects.filter(
                    project=OuterRef("project_id"),
                    reviewer=OuterRef("author_id"),
                    state__in=EXCLUDED_ASSIGNMENTS,
                )
            )
        )
    )


@dataclass(frozen=True)
class ProjectAggregate:
    count: int
    mean: Decimal | None
    median: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    stdev: Decimal | None


def project_aggregate(*, project) -> ProjectAggregate:
    """Count, mean, median, min, max and standard deviation of the counted reviews' totals,
    computed in SQL by the dashboards' query so that every page shows the same figures."""
    figures = project_review_figures(project=project)
    return ProjectAggregate(
        count=figures["count"],
        mean=figures["mean"],
        median=figures["median"],
        minimum=figures["minimum"],
        maximum=figures["maximum"],
        # One review has no spread to speak of: shown as "—" rather than 0.
        stdev=figures["std_dev"] if figures["count"] > 1 else None,
    )


def others_visible(*, call, own_submitted: bool) -> bool:
    """Anti-anchoring: whether a reviewer may see the other reviewers' scores."""
    if call.reviewer_visibility == ReviewerVisibility.ALWAYS:
        return True
    if call.reviewer_visibility == ReviewerVisibility.AFTER_OWN:
        return own_submitted
    return False


def other_reviews(*, project, user):
    """The other counted reviews of a project, anonymised by the template (no author shown)."""
    return counted_reviews().filter(project=project).exclude(author=user).order_by("pk")


def call_progress(*, call):
    """Per project of the call: active assignments and submitted counted reviews ("2/3")."""
    return (
        call.projects.submitted()
        .select_related("organisation", "departement")
        .annotate(
            assigned_count=Count(
                "assignments",
                filter=Q(assignments__state__in=ACTIVE_ASSIGNMENT_STATES),
                distinct=True,
            ),
            done_count=Count(
                "assignments",
                filter=Q(assignments__state=AssignmentState.DONE),
                distinct=True,
            ),
        )
        .order_by("title", "pk")
    )


def reviewer_progress(*, call):
    """Per reviewer of the call's pool: active assignments and done ones on this call."""
    in_call = Q(assignments__project__call=call)
    return call.reviewers.annotate(
        assigned_count=Count(
            "assignments",
            filter=in_call & Q(assignments__state__in=ACTIVE_ASSIGNMENT_STATES),
        ),
        done_count=Count(
            "assignments", filter=in_call & Q(assignments__state=AssignmentState.DONE)
        ),
        conflict_count=Count(
            "assignments", filter=in_call & Q(assignments__state=AssignmentState.CONFLICT)
        ),
    ).order_by("full_name", "email")


def call_assignments(*, call):
    return (
        Assignment.objects.filter(project__call=call)
        .select_related("reviewer", "project")
        .order_by("project__title", "reviewer__full_name", "pk")
    )


def project_feedback(*, project):
    """What the holder may read after the decision, per the call's feedback policy: the
    anonymised comments of counted reviews and, in full mode, per criterion code the
    reviewers' mean (in percent of the scale) and the gap with the self-assessment, the very
    figures of the funder's project analysis (dashboards.project_criteria)."""
    policy = project.call.feedback_policy
    comments, figures = [], {}
    if policy in (FeedbackPolicy.COMMENTS, FeedbackPolicy.FULL):
        reviews = counted_reviews().filter(project=project).order_by("pk")
        comments = [
            {
                "strengths": r.strengths,
                "weaknesses": r.weaknesses,
                "opinion": r.get_opinion_display(),
            }
            for r in reviews
        ]
    if policy == FeedbackPolicy.FULL:
        figures = {
            criterion.code: criterion
            for criterion in project_criteria(project=project)
            if criterion.reviews
        }
    return comments, figures
