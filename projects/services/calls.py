"""Writes to calls: creation, settings and the forward-only status transitions."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import send_templated_email_on_commit
from accounts.models import User
from accounts.services import audit_record, audit_values, audited_update
from grid.models import VersionStatus
from projects.models import (
    HIDDEN_PROJECT_STATUSES,
    Assignment,
    Call,
    CallStatus,
    Decision,
    EligibilityItem,
    ProjectStatus,
    ProjectSummary,
)
from territories.typography import format_date

CALL_FIELDS = (
    "title",
    "description",
    "grid_version",
    "opens_at",
    "closes_at",
    "self_assessment_policy",
    "reviewer_visibility",
    "blind_mode",
    "feedback_policy",
    "max_amount",
    "review_deadline",
    "reminder_offsets",
    "escalation_days",
    "draft_reminder_days",
    "budget_envelope",
    "funding_target",
)


def paris_time(moment) -> str:
    """A date and time as French people read them: in Paris time."""
    return format_date(timezone.localtime(moment), "long_time")


def _set_call_scope(call: Call, regions, departements, eligibility: Iterable[str] | None):
    if regions is not None:
        call.regions.set(regions)
    if departements is not None:
        call.departements.set(departements)
    if eligibility is not None:
        labels = [label.strip() for label in eligibility if label.strip()]
        call.eligibility_items.all().delete()
        EligibilityItem.objects.bulk_create(
            EligibilityItem(call=call, label=label[:300], position=index)
            for index, label in enumerate(labels)
        )


def _check_grid_version(grid_version) -> None:
    if grid_version is None or grid_version.status != VersionStatus.PUBLISHED:
        raise ValidationError(
            {"grid_version": _("Choisissez une version publiée de la grille.")}, code="grid"
        )


@transaction.atomic
def call_create(
    *,
    funder,
    by: User | None,
    regions=(),
    departements=(),
    eligibility: Iterable[str] = (),
    **fields,
) -> Call:
    """Create a call in draft for `funder`, with its territory scope and eligibility checklist."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown call fields: {sorted(unknown)}")
    _check_grid_version(fields.get("grid_version"))
    call = Call(funder=funder, created_by=by, **fields)
    call.full_clean()
    call.save()
    _set_call_scope(call, regions, departements, eligibility)
    return call


@transaction.atomic
def call_update(
    *,
    call: Call,
    by: User | None,
    regions=None,
    departements=None,
    eligibility=None,
    ip=None,
    **fields,
) -> Call:
    """Change a call. Once open, its grid version and its eligibility checklist stay as the
    holders saw them; once decided, nothing changes."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown call fields: {sorted(unknown)}")
    call = Call.objects.select_for_update().get(pk=call.pk)
    before = audit_values(call, fields)
    if call.is_decided:
        raise ValidationError(_("Cet appel est décidé : il ne peut plus être modifié."))
    if not call.is_draft:
        if "grid_version" in fields and fields["grid_version"].pk != call.grid_version_id:
            raise ValidationError(
                {
                    "grid_version": _(
                        "L'appel est ouvert : sa version de grille ne peut plus changer."
                    )
                },
                code="frozen",
            )
        current = list(call.eligibility_items.values_list("label", flat=True))
        if eligibility is not None and [e.strip() for e in eligibility if e.strip()] != current:
            raise ValidationError(
                {
                    "eligibility": _(
                        "L'appel est ouvert : la liste d'éligibilité ne peut plus changer."
                    )
                },
                code="frozen",
            )
        eligibility = None
    elif "grid_version" in fields:
        _check_grid_version(fields["grid_version"])
    for field, value in fields.items():
        setattr(call, field, value)
    call.full_clean()
    call.save()
    _set_call_scope(call, regions, departements, eligibility)
    after = audit_values(call, fields)
    changed = [field for field in fields if before[field] != after[field]]
    if changed:
        audit_record(
            actor=by,
            action="call.update",
            obj=call,
            before={field: before[field] for field in changed},
            after={field: after[field] for field in changed},
            ip=ip,
        )
    return call


# Forward only: draft → open → review → decided.
NEXT_STATUS = {
    CallStatus.DRAFT: CallStatus.OPEN,
    CallStatus.OPEN: CallStatus.REVIEW,
    CallStatus.REVIEW: CallStatus.DECIDED,
}


def call_transition_problems(call: Call, to: str, *, now=None, early: bool = False) -> list[str]:
    """Why `call` cannot move to status `to` now, as French sentences (empty: it can).
    Entering review before the closing date needs `early`: the manager confirmed it."""
    now = now or timezone.now()
    if call.is_decided:
        return [_("Cet appel est décidé : son statut ne peut plus changer.")]
    if NEXT_STATUS.get(call.status) != to:
        return [
            _("Un appel « %(current)s » ne peut pas passer au statut « %(target)s ».")
            % {
                "current": CallStatus(call.status).label,
                "target": CallStatus(to).label if to in CallStatus.values else to,
            }
        ]
    problems = []
    if to == CallStatus.OPEN:
        if call.grid_version.status != VersionStatus.PUBLISHED:
            problems.append(
                _(
                    "La version %(number)s de la grille n'est pas publiée : "
                    "l'appel ne peut pas ouvrir."
                )
                % {"number": call.grid_version.number}
            )
        if call.closes_at <= now:
            problems.append(
                _("La date de clôture (%(date)s) est passée : choisissez une date future.")
                % {"date": paris_time(call.closes_at)}
            )
    if to == CallStatus.REVIEW and call.closes_at > now and not early:
        problems.append(
            _(
                "La clôture est prévue le %(date)s : confirmez le passage en évaluation avant "
                "cette date."
            )
            % {"date": paris_time(call.closes_at)}
        )
    return problems


def call_transition_effects(call: Call, to: str, *, now=None) -> dict:
    """What moving `call` to `to` would do, for the confirmation page: the projects that go
    under review, the drafts that can no longer be submitted, the reviewers told, the
    decisions left unpublished. Plain counts, a few queries."""
    now = now or timezone.now()
    projects = call.projects.all()
    effects = {"early": to == CallStatus.REVIEW and call.closes_at > now}
    if to == CallStatus.REVIEW:
        effects["submitted"] = projects.filter(status=ProjectStatus.SUBMITTED).count()
        effects["drafts"] = projects.filter(status=ProjectStatus.DRAFT).count()
        effects["reviewers"] = _unnotified(call).values("reviewer_id").distinct().count()
    elif to == CallStatus.DECIDED:
        effects["unpublished"] = (
            Decision.objects.proposed()
            .filter(project__call=call)
            .exclude(project__status__in=HIDDEN_PROJECT_STATUSES)
            .count()
        )
        effects["undecided"] = projects.submitted().filter(decision__isnull=True).count()
    elif to == CallStatus.OPEN:
        effects["closes_at"] = paris_time(call.closes_at)
    return effects


def _unnotified(call: Call):
    return Assignment.objects.active().filter(project__call=call, notified_at__isnull=True)


def reviewers_notify(*, call: Call, now=None) -> int:
    """Tell the reviewers of the call's assignments not yet announced, one e-mail each after
    commit, and mark those assignments told. Returns how many reviewers are e-mailed."""
    pending = _unnotified(call).exclude(project__status__in=HIDDEN_PROJECT_STATUSES)
    reviewer_ids = set(pending.values_list("reviewer_id", flat=True))
    pending.update(notified_at=now or timezone.now())
    if reviewer_ids:
        recipients = User.objects.filter(pk__in=reviewer_ids).values_list("email", flat=True)
        send_templated_email_on_commit("reviewer_assigned", {"call": call}, recipients)
    return len(reviewer_ids)


@transaction.atomic
def call_transition(
    *, call: Call, to: str, by: User | None, now=None, early: bool = False, ip=None
) -> Call:
    """Move a call one step forward. Entering review puts its submitted projects under review
    and tells the reviewers assigned so far (`reviewers_notify`): scoring opens now."""
    call = Call.objects.select_for_update().select_related("grid_version").get(pk=call.pk)
    problems = call_transition_problems(call, to, now=now, early=early)
    if problems:
        raise ValidationError(problems, code="transition")
    audited_update(obj=call, by=by, action="call.transition", ip=ip, status=to)
    if to == CallStatus.REVIEW:
        call.projects.filter(status=ProjectStatus.SUBMITTED).update(
            status=ProjectStatus.UNDER_REVIEW, updated_at=timezone.now()
        )
        # The same change in the projects' summaries (a bulk write skips their receivers).
        ProjectSummary.objects.filter(call=call, status=ProjectStatus.SUBMITTED).update(
            status=ProjectStatus.UNDER_REVIEW
        )
        reviewers_notify(call=call, now=now)
    return call
