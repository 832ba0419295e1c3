"""Keeping the dashboards' summaries (`projects.models.summaries`) equal to the raw reviews.

`refresh_project_summary` recomputes one project's row in the transaction of the write that
changed it, and adds the difference it makes to its reviewers' progress: a project has a
handful of reviews, so this is a few small statements whatever the call's size.
`rebuild_summaries` recomputes whole calls in one set-based pass, for bulk writes (seeding,
imports, recomputations) that skip `save()`.

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
    REVIEWER_DELTA_SQL,
    insert_statement,
    project_summary_statement,
    reviewer_summary_statement,
    standing_of,
)
from projects.models import (
    Assessment,
    Assignment,
    Call,
    Project,
    ProjectSummary,
    ReviewerSummary,
)


def _apply_standing(cursor, call_id: int, before: str, after: str) -> None:
    """Add the difference between a project's old and new standing to its reviewers'
    progress: exact, and as cheap as the project is small."""
    old, new = standing_of(before), standing_of(after)
    for reviewer_id in sorted(old.keys() | new.keys()):
        was, now = old.get(reviewer_id, (0, 0)), new.get(reviewer_id, (0, 0))
        if was != now:
            cursor.execute(
                REVIEWER_DELTA_SQL,
                [call_id, reviewer_id, now[0] - was[0], now[1] - was[1]],
            )


@transaction.atomic
def refresh_project_summary(*, project) -> None:
    """Recompute one project's summary from its raw reviews, assignments and
    self-assessment, and carry the change over to its reviewers' progress in the call (a
    project instance or its id)."""
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
    stored = ProjectSummary.objects.filter(project_id=project_id).values_list("standing", flat=True)
    before = stored.first() or ""
    with connection.cursor() as cursor:
        ProjectSummary.objects.filter(project_id=project_id).delete()
        sql, params = project_summary_statement(
            call_id=call_id, version_id=version_id, project_id=project_id
        )
        cursor.execute(insert_statement(ProjectSummary, PROJECT_COLUMNS, sql), params)
        _apply_standing(cursor, call_id, before, stored.first() or "")


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
