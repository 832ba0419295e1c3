"""Reminders, escalations and digests, sent by the scheduler (`reminders_run`, run by the
background worker) and by a call manager's "relancer maintenant".

Idempotence: each thing reminded gets a `Reminder` row, unique per (assignment or project,
kind, offset), created in the same transaction as the e-mail's delivery. A second run, a
restarted worker or two schedulers at once find the row (or collide on it and give way), so
nobody gets the same reminder twice. Dates are days in Paris (`paris_date`).
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.emails import deliveries_create, deliveries_enqueue_on_commit
from accounts.models import User
from accounts.services import audit_record
from projects.models import (
    HIDDEN_PROJECT_STATUSES,
    REVIEWER_REMINDER_KINDS,
    Assignment,
    AssignmentState,
    Call,
    CallStatus,
    Project,
    ProjectStatus,
    Reminder,
    ReminderKind,
)
from projects.models.calls import parse_day_offsets
from projects.selectors.reminders import PARIS, call_manager_users, paris_date

# "Relancer maintenant" at most once a day per reviewer and call (automatic reminders count).
MANUAL_REMINDER_INTERVAL = timedelta(hours=24)
# A digest lists the submissions of the last two days that no digest listed yet.
DIGEST_WINDOW = timedelta(days=2)


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _unfinished():
    """Assignments waiting for their review, projects still in the race."""
    return (
        Assignment.objects.with_due_date()
        .filter(state=AssignmentState.ASSIGNED)
        .exclude(project__status__in=HIDDEN_PROJECT_STATUSES)
        .select_related("project__call", "reviewer")
        .order_by("due", "project__title", "pk")
    )


def _pending_assignments():
    """What the scheduler reminds: unfinished reviews of calls in review, with a due date."""
    return _unfinished().filter(project__call__status=CallStatus.REVIEW, due__isnull=False)


def _review_offset(assignment, today: date) -> int | None:
    """The latest of the call's offsets whose day has come, on or after the day of the
    assignment (a reviewer assigned at J−3 is not reminded of J−7), or None."""
    assigned_on = paris_date(assignment.created_at)
    days = [
        offset
        for offset in parse_day_offsets(assignment.project.call.reminder_offsets)
        if assigned_on <= assignment.due + timedelta(days=offset) <= today
    ]
    return max(days) if days else None


def _item(assignment, today: date) -> dict:
    due = assignment.due
    return {
        "project": assignment.project.title,
        "call": assignment.project.call.title,
        "due": due,
        "days_left": (due - today).days if due else None,
        "late": bool(due and due < today),
        "url": _link("projects:review_edit", assignment.project_id),
    }


def _send_once(*, reminders: list[Reminder], name: str, context: dict, recipients) -> bool:
    """Record the reminders and their e-mail together, or nothing when another run recorded
    one of them first (unique constraint). Returns whether this run sent it."""
    try:
        with transaction.atomic():
            deliveries = deliveries_create(name=name, context=context, recipients=recipients)
            for reminder in reminders:
                reminder.delivery = deliveries[0] if deliveries else None
            Reminder.objects.bulk_create(reminders)
            deliveries_enqueue_on_commit(deliveries)
    except IntegrityError:
        return False
    return True


def _review_reminders(today: date, now) -> int:
    """One digest per reviewer of their reviews whose reminder day has come."""
    candidates = list(_pending_assignments())
    done = set(
        Reminder.objects.filter(
            kind=ReminderKind.REVIEW, assignment__in=[a.pk for a in candidates]
        ).values_list("assignment_id", "offset", "due")
    )
    by_reviewer: dict[User, list[tuple[Assignment, int]]] = defaultdict(list)
    for assignment in candidates:
        offset = _review_offset(assignment, today)
        if offset is not None and (assignment.pk, offset, assignment.due) not in done:
            by_reviewer[assignment.reviewer].append((assignment, offset))
    sent = 0
    for reviewer, due in by_reviewer.items():
        reminders = [
            Reminder(
                kind=ReminderKind.REVIEW,
                offset=offset,
                due=assignment.due,
                call=assignment.project.call,
                assignment=assignment,
                created_at=now,
            )
            for assignment, offset in due
        ]
        context = {
            "reviewer": reviewer,
            "items": [_item(assignment, today) for assignment, _o in due],
            "list_url": _link("projects:review_list"),
        }
        sent += _send_once(
            reminders=reminders, name="review_reminder", context=context, recipients=[reviewer]
        )
    return sent


def _escalations(today: date, now) -> int:
    """Past due by the call's escalation delay: one e-mail per call to its managers listing
    the late reviews not escalated yet."""
    candidates = [
        a
        for a in _pending_assignments().filter(project__call__escalation_days__isnull=False)
        if a.due + timedelta(days=a.project.call.escalation_days) <= today
    ]
    done = set(
        Reminder.objects.filter(
            kind=ReminderKind.ESCALATION, assignment__in=[a.pk for a in candidates]
        ).values_list("assignment_id", "due")
    )
    by_call: dict[Call, list[Assignment]] = defaultdict(list)
    for assignment in candidates:
        if (assignment.pk, assignment.due) not in done:
            by_call[assignment.project.call].append(assignment)
    sent = 0
    for call, late in by_call.items():
        reminders = [
            Reminder(
                kind=ReminderKind.ESCALATION,
                offset=call.escalation_days,
                due=assignment.due,
                call=call,
                assignment=assignment,
                created_at=now,
            )
            for assignment in late
        ]
        context = {
            "call": call,
            "items": [
                {**_item(assignment, today), "reviewer": str(assignment.reviewer)}
                for assignment in late
            ],
            "late_url": _link("projects:call_late", call.pk),
        }
        sent += _send_once(
            reminders=reminders,
            name="review_escalation",
            context=context,
            recipients=list(call_manager_users(call=call)),
        )
    return sent


def _draft_reminders(today: date, now) -> int:
    """Holders of a draft project on an open call, the call's days before closing."""
    projects = (
        Project.objects.filter(
            status=ProjectStatus.DRAFT, call__status=CallStatus.OPEN, call__closes_at__gt=now
        )
        .exclude(call__draft_reminder_days="")
        .select_related("call", "owner")
        .prefetch_related("co_holders")
    )
    done = set(
        Reminder.objects.filter(
            kind=ReminderKind.DRAFT, project__in=[p.pk for p in projects]
        ).values_list("project_id", "offset")
    )
    sent = 0
    for project in projects:
        closes_on = paris_date(project.call.closes_at)
        started_on = paris_date(project.created_at)
        days = [
            d
            for d in parse_day_offsets(project.call.draft_reminder_days)
            if started_on <= closes_on - timedelta(days=d) <= today
        ]
        if not days or (project.pk, min(days)) in done:
            continue
        context = {
            "project": project,
            "call": project.call,
            "closes_at": project.call.closes_at,
            "days_left": (closes_on - today).days,
            "url": _link("projects:project_detail", project.pk),
        }
        reminder = Reminder(
            kind=ReminderKind.DRAFT,
            offset=min(days),
            call=project.call,
            project=project,
            created_at=now,
        )
        sent += _send_once(
            reminders=[reminder],
            name="draft_reminder",
            context=context,
            recipients=[project.owner, *project.co_holders.all()],
        )
    return sent


def _submission_digests(today: date, now) -> int:
    """At most one e-mail a day per call to its managers, listing the submissions no digest
    listed yet."""
    start_of_day = datetime.combine(today, time.min, tzinfo=PARIS)
    listed_today = set(
        Reminder.objects.filter(kind=ReminderKind.DIGEST, created_at__gte=start_of_day)
        .values_list("call_id", flat=True)
        .distinct()
    )
    projects = (
        Project.objects.submitted()
        .filter(submitted_at__gte=now - DIGEST_WINDOW, call__status=CallStatus.OPEN)
        .exclude(reminders__kind=ReminderKind.DIGEST)
        .exclude(call__in=listed_today)
        .select_related("call", "organisation")
        .order_by("call", "submitted_at", "pk")
    )
    by_call: dict[Call, list[Project]] = defaultdict(list)
    for project in projects:
        by_call[project.call].append(project)
    sent = 0
    for call, new in by_call.items():
        reminders = [
            Reminder(kind=ReminderKind.DIGEST, call=call, project=project, created_at=now)
            for project in new
        ]
        context = {
            "call": call,
            "projects": new,
            "total": call.projects.submitted().count(),
            "url": _link("projects:call_manage", call.pk),
        }
        sent += _send_once(
            reminders=reminders,
            name="submissions_digest",
            context=context,
            recipients=list(call_manager_users(call=call)),
        )
    return sent


def reminders_run(*, now=None) -> dict[str, int]:
    """The scheduler: send every reminder, escalation and digest whose day has come, once.
    Returns how many e-mails (digests) of each kind this run recorded."""
    now = now or timezone.now()
    today = paris_date(now)
    return {
        "review": _review_reminders(today, now),
        "escalation": _escalations(today, now),
        "draft": _draft_reminders(today, now),
        "digest": _submission_digests(today, now),
    }


def reviewer_last_reminder(*, call: Call, reviewer: User):
    return Reminder.objects.filter(
        call=call, assignment__reviewer=reviewer, kind__in=REVIEWER_REMINDER_KINDS
    ).aggregate(last=Max("created_at"))["last"]


@transaction.atomic
def reviewer_remind_now(*, call: Call, reviewer: User, by: User, now=None) -> int:
    """A call manager's "relancer maintenant": one e-mail to the reviewer listing their
    unfinished reviews of the call, at most once per `MANUAL_REMINDER_INTERVAL` (automatic
    reminders count). Returns how many reviews it lists."""
    now = now or timezone.now()
    # Two managers clicking at once queue on the call's row: one reminder, not two.
    call = Call.objects.select_for_update().get(pk=call.pk)
    last = reviewer_last_reminder(call=call, reviewer=reviewer)
    if last is not None and now - last < MANUAL_REMINDER_INTERVAL:
        again = timezone.localtime(last + MANUAL_REMINDER_INTERVAL, PARIS)
        raise ValidationError(
            _(
                "%(name)s a déjà été relancé le %(last)s. Nouvelle relance possible à partir "
                "du %(again)s."
            )
            % {
                "name": reviewer,
                "last": formats.date_format(timezone.localtime(last, PARIS), "DATETIME_FORMAT"),
                "again": formats.date_format(again, "DATETIME_FORMAT"),
            },
            code="too_soon",
        )
    pending = list(_unfinished().filter(project__call=call, reviewer=reviewer))
    if not pending:
        raise ValidationError(
            _("%(name)s n'a aucune évaluation en attente sur cet appel.") % {"name": reviewer},
            code="nothing",
        )
    today = paris_date(now)
    items = [_item(a, today) for a in pending]
    deliveries = deliveries_create(
        name="review_reminder",
        context={"reviewer": reviewer, "items": items, "list_url": _link("projects:review_list")},
        recipients=[reviewer],
    )
    Reminder.objects.bulk_create(
        Reminder(
            kind=ReminderKind.MANUAL,
            call=call,
            assignment=a,
            sent_by=by,
            delivery=deliveries[0] if deliveries else None,
            created_at=now,
        )
        for a in pending
    )
    deliveries_enqueue_on_commit(deliveries)
    audit_record(
        actor=by,
        action="reviewer.remind",
        obj=call,
        after={"reviewer": reviewer.pk, "n": len(pending)},
    )
    return len(pending)
