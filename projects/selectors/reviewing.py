"""Reads of the reviewing: a reviewer's list, a call's pool and assignments."""

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext_lazy as _

from projects.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    Assignment,
    AssignmentState,
    Project,
    Score,
)


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
        .with_due_date()
        .select_related("project__call", "project__departement", "project__organisation")
        .annotate(
            review_status=Subquery(own.values("status")[:1]),
            review_total=Subquery(own.values("total")[:1]),
        )
        .order_by("project__call__closes_at", "project__title", "pk")
    )


def review_status(assignment) -> str:
    if assignment.is_in_conflict:
        return ReviewStatus.CONFLICT
    if assignment.review_status == AssessmentStatus.SUBMITTED:
        return ReviewStatus.SUBMITTED
    if assignment.review_status == AssessmentStatus.DRAFT:
        return ReviewStatus.DRAFT
    return ReviewStatus.TODO


def project_for_review(*, pk: int) -> Project:
    """The project as the reviewing pages read it: no eligibility answers (holders' and
    managers' business), files and co-holders fetched only when a page shows them, and no
    join the pages do not read (the call's funder and grid version: PostgreSQL spent more
    time planning the 8-table join than running it)."""
    return Project.objects.select_related(
        "call", "organisation", "owner", "commune", "departement", "region"
    ).get(pk=pk)


def for_request(user, key, compute):
    """`compute()`'s answer, kept on the user object for the request: a page asks several
    permissions and reads about the same project, and each answer costs a query."""
    answers = user.__dict__.setdefault("_project_answers", {})
    if key not in answers:
        answers[key] = compute()
    return answers[key]


def active_assignment(*, project, user) -> Assignment | None:
    """The reviewer's standing assignment to the project: None when they are not assigned,
    have declared a conflict or been recused. Kept for the request (`for_request`): the
    permissions and the scoring page read it several times (one small query, whatever the
    number of the reviewer's assignments)."""
    if project is None or not (user and user.is_authenticated):
        return None
    return for_request(
        user,
        ("assignment", project.pk),
        lambda: (
            Assignment.objects.active()
            .filter(reviewer=user, project_id=project.pk)
            .order_by("pk")
            .first()
        ),
    )


def own_review(*, project, user) -> Assessment | None:
    """The reviewer's own review of the project, with its scores (in no order: the pages
    read them by criterion), or None. Ordered by key, not by the models' default orderings,
    which would join the project, and the grid's tables for the scores, to sort one row and
    twenty read into a dictionary."""
    return (
        project.assessments.reviews()
        .filter(author=user)
        .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by()))
        .select_related("grid_version")
        .order_by("pk")
        .first()
    )


def other_reviews(*, project, user):
    """The other reviews of the project that count, anonymised by the template (no author)."""
    return (
        Assessment.objects.counted_reviews()
        .filter(project=project)
        .exclude(author=user)
        .order_by("pk")
        .only("pk", "total", "opinion")
    )


def reviewers_as_seen(reviewers: list[dict], *, viewer, is_manager: bool) -> list[dict]:
    """Each valid reviewer's figures (`dashboards.project_reviewer_scores`) under the name the
    viewer may read: the call's managers know who reviewed; a reviewer reads the others
    anonymised and numbered as on the scoring form (in the order the reviews were created),
    and themselves as "Vous". Each entry gets a `shown_name`."""
    reviewers = list(reviewers)
    if not is_manager:
        reviewers.sort(key=lambda reviewer: reviewer["assessment_id"])
    others = 0
    seen = []
    for reviewer in reviewers:
        if is_manager:
            name = reviewer["name"]
        elif reviewer["author_id"] == viewer.pk:
            name = _("Vous")
        else:
            others += 1
            name = _("Évaluateur %(n)s") % {"n": others}
        seen.append({**reviewer, "shown_name": str(name)})
    return seen


def reviewer_progress(*, call):
    """Per reviewer of the call's pool: active assignments, done ones and conflicts."""
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
