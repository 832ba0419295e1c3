"""Keeping the dashboards' summaries (`projects.models.summaries`) equal to the raw reviews.

`refresh_project_summary` recomputes one project's row in the transaction of the write that
changed it, and adds the difference it makes to the call-wide rows (its reviewers' progress
and calibration, its territory's figures and criterion sums): a project has a handful of
reviews, so this is a few small statements whatever the call's size.
`rebuild_summaries` recomputes whole calls in one set-based pass, for bulk writes (seeding,
imports, recomputations) that skip `save()`.

Why signals as well as services: every write of an assessment, an assignment, a decision or a
project goes through `Model.save()` or `delete()` (services, the admin, factories in tests),
and the receivers below refresh the project there, so that no path can forget it; the
services that write in bulk (`bulk_create`, `update()`) call these functions themselves.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from projects.dashboards.contributions import (
    EMPTY,
    FRACTION_FIELDS,
    Contribution,
    contributions,
    differences,
)
from projects.dashboards.summaries import (
    PROJECT_COLUMNS,
    TABLES,
    call_totals,
    insert_statement,
    key_of,
    project_summary_statement,
    standing_of,
    with_progress,
)
from projects.models import (
    Assessment,
    Assignment,
    Call,
    Decision,
    Project,
    ProjectSummary,
)


def _add_differences(cursor, call_id: int, name: str, rows: dict) -> None:
    """Add `rows` ({key: deltas in the table's column order}) to one call-wide table: one
    INSERT … ON CONFLICT for the integers (it creates the missing rows and locks the others),
    then, for exact fractions, one read and one UPDATE (SQLite ≥ 3.24 and PostgreSQL)."""
    if not rows:
        return
    model, keys, fields = TABLES[name]
    table = model._meta.db_table
    counts = [field for field in fields if field not in FRACTION_FIELDS]
    exact = [field for field in fields if field in FRACTION_FIELDS]
    # A fixed order, so that two writers lock rows alike; each row's deltas by column.
    ordered = [
        (key, dict(zip(fields, deltas, strict=True))) for key, deltas in sorted(rows.items())
    ]
    columns = ("call_id", *keys, *counts)
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(ordered))
    params = []
    for key, named in ordered:
        params += [call_id, *key_of(key), *(named[field] for field in counts)]
    conflict = ", ".join(("call_id", *keys))
    updates = ", ".join(f"{field} = {table}.{field} + excluded.{field}" for field in counts)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}",
        params,
    )
    changed = [(key, named) for key, named in ordered if any(named[field] for field in exact)]
    if not exact or not changed:
        return
    match = " AND ".join(f"{column} = %s" for column in keys)
    where = " OR ".join([f"({match})"] * len(changed))
    key_params = [value for key, _ in changed for value in key_of(key)]
    cursor.execute(
        f"SELECT {', '.join(keys)}, {', '.join(exact)} FROM {table} "
        f"WHERE call_id = %s AND ({where})",
        [call_id, *key_params],
    )
    stored = {tuple(row[: len(keys)]): row[len(keys) :] for row in cursor.fetchall()}
    assignments, params = [], []
    for position, field in enumerate(exact):
        cases = []
        for key, named in changed:
            new = Fraction(stored[key_of(key)][position]) + named[field]
            cases.append(f"WHEN {match} THEN %s")
            params += [*key_of(key), str(new)]
        assignments.append(f"{field} = CASE {' '.join(cases)} ELSE {field} END")
    cursor.execute(
        f"UPDATE {table} SET {', '.join(assignments)} WHERE call_id = %s AND ({where})",
        [*params, call_id, *key_params],
    )


def _progress_differences(before: str, after: str) -> dict[int, tuple[int, int]]:
    """The difference between a project's old and new standing, per reviewer whose
    (expected, done) changed."""
    old, new = standing_of(before), standing_of(after)
    result = {}
    for reviewer_id in old.keys() | new.keys():
        was, now = old.get(reviewer_id, (0, 0)), new.get(reviewer_id, (0, 0))
        if was != now:
            result[reviewer_id] = (now[0] - was[0], now[1] - was[1])
    return result


def _apply(cursor, call_id, before_standing, after_standing, before, after) -> None:
    changes = differences(before, after)
    progress = _progress_differences(before_standing, after_standing)
    _add_differences(cursor, call_id, "reviewers", with_progress(progress, changes["reviewers"]))
    _add_differences(cursor, call_id, "territories", changes["territories"])
    _add_differences(cursor, call_id, "criteria", changes["criteria"])
    _add_differences(cursor, call_id, "levels", changes["levels"])
    _bump_revision(cursor, call_id)


# A call's revision goes up with every refresh of one of its projects (SQLite ≥ 3.24 and
# PostgreSQL alike): what is cached under it (the judgement panel) is computed again.
REVISION_SQL = """
INSERT INTO projects_callsummary (call_id, revision) VALUES (%s, 1)
ON CONFLICT (call_id) DO UPDATE SET revision = projects_callsummary.revision + 1
"""


def _bump_revision(cursor, call_id: int) -> None:
    cursor.execute(REVISION_SQL, [call_id])


@transaction.atomic
def refresh_project_summary(*, project) -> None:
    """Recompute one project's summary from its raw reviews, assignments, decision and
    self-assessment, and carry the change over to the call-wide rows (a project instance or
    its id)."""
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
    summary = ProjectSummary.objects.filter(project_id=project_id)
    before_standing, before = summary.values_list("standing", "contributions").first() or ("", "")
    after = contributions(call_id=call_id, project_id=project_id)[project_id]
    with connection.cursor() as cursor:
        summary.delete()
        sql, params = project_summary_statement(
            call_id=call_id, version_id=version_id, project_id=project_id
        )
        cursor.execute(insert_statement(ProjectSummary, PROJECT_COLUMNS, sql), params)
        summary.update(contributions=after.to_json())
        after_standing = summary.values_list("standing", flat=True).first() or ""
        _apply(
            cursor,
            call_id,
            before_standing,
            after_standing,
            Contribution.from_json(before),
            after,
        )


@transaction.atomic
def rebuild_summaries(*, call=None) -> None:
    """Recompute the summaries of one call (None: every call) in one pass per call: the
    projects' rows in one INSERT … SELECT, their contributions from three statements, and
    the call-wide rows written in bulk, never a row at a time."""
    calls = Call.objects.all() if call is None else Call.objects.filter(pk=call.pk)
    with connection.cursor() as cursor:
        for call_id, version_id in calls.values_list("pk", "grid_version_id"):
            ProjectSummary.objects.filter(call_id=call_id).delete()
            sql, params = project_summary_statement(call_id=call_id, version_id=version_id)
            cursor.execute(insert_statement(ProjectSummary, PROJECT_COLUMNS, sql), params)
            parts = contributions(call_id=call_id)
            ProjectSummary.objects.bulk_update(
                [
                    ProjectSummary(project_id=project_id, contributions=part.to_json())
                    for project_id, part in parts.items()
                    if part != EMPTY
                ],
                ["contributions"],
                batch_size=500,
            )
            _bump_revision(cursor, call_id)
            for name, rows in call_totals(call_id=call_id, parts=parts).items():
                model, keys, fields = TABLES[name]
                model.objects.filter(call_id=call_id).delete()
                model.objects.bulk_create(
                    [
                        model(
                            call_id=call_id,
                            **dict(zip(keys, key_of(key), strict=True)),
                            **{
                                field: str(value) if field in FRACTION_FIELDS else value
                                for field, value in zip(fields, values, strict=True)
                            },
                        )
                        for key, values in rows.items()
                    ],
                    batch_size=1000,
                )


def _started_from_project(origin) -> bool:
    """Whether a deletion started from a project (an instance or a queryset): its summary
    goes with it, and `_project_deleted` has taken back what it added."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model is Project


# The projects whose refresh waits for the end of a `refreshes_deferred` block (None: none).
_deferred: ContextVar[set | None] = ContextVar("summaries_deferred", default=None)


@contextmanager
def refreshes_deferred():
    """Within the block, the writes that change a project's summary note the project, and
    it is refreshed once, at the block's end, still in the caller's transaction: a service
    that saves an assessment twice (its scores, then its fields) refreshes it once. A block
    left by an exception refreshes nothing (its transaction is rolled back)."""
    if _deferred.get() is not None:
        yield
        return
    token = _deferred.set(set())
    try:
        yield
        pending = _deferred.get()
    finally:
        _deferred.reset(token)
    for project_id in sorted(pending):
        refresh_project_summary(project=project_id)


def _refresh_or_defer(project_id) -> None:
    pending = _deferred.get()
    if pending is None:
        refresh_project_summary(project=project_id)
    else:
        pending.add(project_id)


@receiver(post_save, sender=Project, dispatch_uid="summaries_project_saved")
def _project_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh_or_defer(instance.pk)


@receiver(pre_delete, sender=Project, dispatch_uid="summaries_project_deleted")
def _project_deleted(sender, instance, **kwargs):
    """A deleted project takes back what it added to the call-wide rows (its own summary
    goes with it). A call is never deleted with its projects (they protect it)."""
    stored = (
        ProjectSummary.objects.filter(project_id=instance.pk)
        .values_list("standing", "contributions")
        .first()
    )
    if stored is None:
        return
    with connection.cursor() as cursor:
        _apply(cursor, instance.call_id, stored[0], "", Contribution.from_json(stored[1]), EMPTY)
    ProjectSummary.objects.filter(project_id=instance.pk).update(standing="", contributions="")


@receiver(post_save, sender=Assessment, dispatch_uid="summaries_assessment_saved")
@receiver(post_delete, sender=Assessment, dispatch_uid="summaries_assessment_deleted")
@receiver(post_save, sender=Assignment, dispatch_uid="summaries_assignment_saved")
@receiver(post_delete, sender=Assignment, dispatch_uid="summaries_assignment_deleted")
@receiver(post_save, sender=Decision, dispatch_uid="summaries_decision_saved")
@receiver(post_delete, sender=Decision, dispatch_uid="summaries_decision_deleted")
def _review_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or _started_from_project(origin):
        return
    _refresh_or_defer(instance.project_id)
