"""Reads of the reminders: a call's managers, who is late, the turnaround of the reviews."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, OuterRef, Q, Subquery

from accounts.models import Role, User
from projects.models import (
    HIDDEN_PROJECT_STATUSES,
    REVIEWER_REMINDER_KINDS,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    Assignment,
    AssignmentState,
    Reminder,
)

# Every J−n and every date shown: the day in Paris.
PARIS = ZoneInfo("Europe/Paris")


def paris_date(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def call_manager_users(*, call):
    """The active funder members of the organisation running the call: who manages it."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=call.funder_id,
        memberships__role=Role.FUNDER,
    ).distinct()


def _call_assignments(call):
    """The call's assignments that count: projects still in the race, reviewers neither in
    conflict nor recused; `due` is the date that applies."""
    return (
        Assignment.objects.filter(
            project__call=call, state__in=(AssignmentState.ASSIGNED, AssignmentState.DONE)
        )
        .exclude(project__status__in=HIDDEN_PROJECT_STATUSES)
        .with_due_date()
    )


def _last_reminder(call, reviewer_ref):
    return Subquery(
        Reminder.objects.filter(
            call=call, assignment__reviewer=reviewer_ref, kind__in=REVIEWER_REMINDER_KINDS
        )
        .values("assignment__reviewer")
        .annotate(last=Max("created_at"))
        .values("last")[:1]
    )


def late_reviewers(*, call, today: date) -> list[dict]:
    """Per reviewer of the call: reviews done, still due (due date today or later, or none),
    late (past their due date), the last reminder they received for this call; the most late
    first. One query."""
    pending = Q(state=AssignmentState.ASSIGNED)
    return list(
        _call_assignments(call)
        .values("reviewer_id", "reviewer__full_name", "reviewer__email")
        .annotate(
            done_count=Count("pk", filter=Q(state=AssignmentState.DONE)),
            due_count=Count("pk", filter=pending & (Q(due__gte=today) | Q(due__isnull=True))),
            late_count=Count("pk", filter=pending & Q(due__lt=today)),
            last_reminder=_last_reminder(call, OuterRef("reviewer_id")),
        )
        .order_by("-late_count", "-due_count", "reviewer__full_name", "reviewer__email")
    )


def pending_assignments(*, call):
    """The call's unfinished assignments with their due date and last reminder, the
    earliest due first."""
    last = (
        Reminder.objects.filter(assignment=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return (
        _call_assignments(call)
        .filter(state=AssignmentState.ASSIGNED)
        .select_related("project", "reviewer")
        .annotate(last_reminder=Subquery(last))
        .order_by("due", "project__title", "reviewer__full_name", "pk")
    )


def _percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile of sorted values (the median is `share` 0.5 interpolated)."""
    if not values:
        return None
    if share == 0.5:
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    rank = max(1, -(-len(values) * int(share * 100) // 100))
    return values[rank - 1]


def review_turnaround(*, call) -> dict:
    """Days from assignment to the submitted review, for the call and per reviewer: count,
    median and 90th percentile (nearest rank). One query of two dates per finished review."""
    submitted = Assessment.objects.filter(
        project=OuterRef("project_id"),
        author=OuterRef("reviewer_id"),
        kind=AssessmentKind.REVIEW,
        status=AssessmentStatus.SUBMITTED,
    ).values("submitted_at")[:1]
    rows = (
        _call_assignments(call)
        .filter(state=AssignmentState.DONE)
        .annotate(submitted=Subquery(submitted))
        .filter(submitted__isnull=False)
        .values_list("reviewer_id", "created_at", "submitted")
    )
    everyone: list[float] = []
    per_reviewer: dict[int, list[float]] = {}
    for reviewer_id, assigned, done in rows:
        days = max((done - assigned).total_seconds(), 0) / 86400
        everyone.append(days)
        per_reviewer.setdefault(reviewer_id, []).append(days)

    def summary(values):
        values = sorted(values)
        return {
            "count": len(values),
            "median": _percentile(values, 0.5),
            "p90": _percentile(values, 0.9),
        }

    return {
        "call": summary(everyone),
        "reviewers": {pk: summary(values) for pk, values in per_reviewer.items()},
    }
