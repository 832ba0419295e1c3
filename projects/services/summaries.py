"""Keeping the dashboards' summaries (`projects.models.summaries`) equal to the raw reviews.

`refresh_project_summary` recomputes one project's row, and those of its reviewers, in the
transaction of the write that changed them: a project has a handful of reviews, so this is a
few small statements whatever the call's size. `rebuild_summaries` recomputes whole calls in
one set-based pass, for bulk writes (seeding, imports, recomputations) that skip `save()`.

Why signals as well as services: every write of an assessment, an assignment or a project
goes through `Model.save()` or `delete()` (services, the admin, factories in tests), and the
receivers below refresh the project there, so that no path can forget it; the services that
write in bulk (`bulk_create`, `update()`) call these functions themselves.
"""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from projects.dashboards.summaries import (
    PROJECT_COLUMNS,
    REVIEWER_COLUMNS,
    insert_statement,
    project_summary_statement,
    reviewer_summary_statement,
)
from projects.models import (
    Assessment,
    AssessmentKind,
    Assignment,
    Call,
    Project,
    ProjectSummary,
    ReviewerSummary,
)


def _refresh_reviewers(cursor, call_id: int, reviewer_ids) -> None:
    reviewer_ids = sorted(set(reviewer_ids))
    if not reviewer_ids:
        return
    ReviewerSummary.objects.filter(call_id=call_id, reviewer_id__in=reviewer_ids).delete()
    sql, params = reviewer_summary_statement(call_id=call_id, reviewer_ids=reviewer_ids)
    cursor.execute(insert_statement(ReviewerSummary, REVIEWER_COLUMNS, sql), params)


@transaction.atomic
def refresh_project_summary(*, project) -> None:
    """Recompute one project's summary and its reviewers' progress in the call, from the raw
    reviews, assignments and self-assessment (a project instance or its id)."""
    project_id = getattr(project, "pk", project)
    # Locking the project serialises two reviewers saving on it at once (PostgreSQL): the
    # second recomputes after the first commits, from what the first wrote.
    found = (
        Project.objects.select_for_update(of=("self",))
        .filter(pk=project_id)
        .values_list("call_id", "call__grid_version_id")
        .first()
    )
    if found is None:
        return  # deleted: its summary went with it
    call_id, version_id = found
    with connection.cursor() as cursor:
        ProjectSummary.objects.filter(project_id=project_id).delete()
        sql, params = project_summary_statement(
            call_id=call_id, version_id=version_id, project_id=project_id
        )
        cursor.execute(insert_statement(ProjectSummary, PROJECT_COLUMNS, sql), params)
        reviewers = set(
            Assignment.objects.filter(project_id=project_id).values_list("reviewer_id", flat=True)
        )
        reviewers |= set(
            Assessment.objects.filter(
                project_id=project_id, kind=AssessmentKind.REVIEW
            ).values_list("author_id", flat=True)
        )
        _refresh_reviewers(cursor, call_id, reviewers)


@transaction.atomic
def rebuild_summaries(*, call=None) -> None:
    """Recompute the summaries of one call (None: every call) in one pass per call: a
    DELETE and an INSERT … SELECT per table, never a row at a time."""
    calls = Call.objects.all() if call is None else Call.objects.filter(pk=call.pk)
    with connection.cursor() as cursor:
        for call_id, version_id in calls.values_list("pk", "grid_version_id"):
            ProjectSummary.objects.filter(call_id=call_id).delete()
            sql, params = project_summary_statement(call_id=call_id, version_id=version_id)
            cursor.execute(insert_statement(ProjectSummary, PROJECT_COLUMNS, sql), params)
            ReviewerSummary.objects.filter(call_id=call_id).delete()
            sql, params = reviewer_summary_statement(call_id=call_id)
            cursor.execute(insert_statement(ReviewerSummary, REVIEWER_COLUMNS, sql), params)


@receiver(post_save, sender=Project, dispatch_uid="summaries_project_saved")
def _project_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_project_summary(project=instance.pk)


@receiver(post_save, sender=Assessment, dispatch_uid="summaries_assessment_saved")
@receiver(post_delete, sender=Assessment, dispatch_uid="summaries_assessment_deleted")
@receiver(post_save, sender=Assignment, dispatch_uid="summaries_assignment_saved")
@receiver(post_delete, sender=Assignment, dispatch_uid="summaries_assignment_deleted")
def _review_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_project_summary(project=instance.project_id)
