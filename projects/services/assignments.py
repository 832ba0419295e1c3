"""Assigning reviewers to a call's projects: by hand, in bulk, or balanced."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import send_templated_email_on_commit
from accounts.models import Membership, User
from accounts.services import audit_record
from projects.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Assignment,
    Call,
    Project,
)
from projects.services.summaries import rebuild_summaries, refresh_project_summary


def _announce(new: list[Assignment], call: Call, by: User | None, ip=None) -> None:
    """Journal the new assignments on the call. Reviewers hear of them when the review opens,
    not before: during the review each newly assigned reviewer is e-mailed once, after
    commit; while the call is open, `call_transition` tells them on entering review."""
    if not new:
        return
    audit_record(
        actor=by,
        action="assignments.create",
        obj=call,
        after={"assignments": [[a.project_id, a.reviewer_id] for a in new]},
        ip=ip,
    )
    if call.is_in_review:
        Assignment.objects.filter(pk__in=[a.pk for a in new]).update(notified_at=timezone.now())
        reviewer_ids = {a.reviewer_id for a in new}
        recipients = User.objects.filter(pk__in=reviewer_ids).values_list("email", flat=True)
        send_templated_email_on_commit("reviewer_assigned", {"call": call}, recipients)


def _refuse_when_decided(call: Call) -> None:
    if call.is_decided:
        raise ValidationError(_("Cet appel est décidé : plus aucune assignation."), code="phase")


def _eligible(project: Project, reviewer: User, member_org_ids: Mapping[int, set[int]]) -> bool:
    return project.organisation_id not in member_org_ids.get(reviewer.pk, set())


def _member_organisations(reviewers) -> dict[int, set[int]]:
    result: dict[int, set[int]] = {}
    for user_id, organisation_id in Membership.objects.filter(
        user__in=[reviewer.pk for reviewer in reviewers]
    ).values_list("user_id", "organisation_id"):
        result.setdefault(user_id, set()).add(organisation_id)
    return result


def _lock_call(call: Call) -> None:
    """One assignment run per call at a time: a double click or two managers assigning at once
    wait for each other, and the second sees what the first created (no duplicate pair, no
    unbalanced load, no IntegrityError)."""
    Call.objects.select_for_update().filter(pk=call.pk).values_list("pk").first()


@transaction.atomic
def assignments_create(
    *, call: Call, pairs: Iterable[tuple[Project, User]], by: User, ip=None
) -> int:
    """Assign reviewers by hand or in bulk: each (project, reviewer) pair of the call, skipping
    existing pairs and refusing members of the project's organisation. Returns how many were
    created; reviewers are told as `_announce` says."""
    _lock_call(call)
    pairs = [(p, r) for p, r in pairs if p.call_id == call.pk]
    member_orgs = _member_organisations({r for _p, r in pairs})
    refused = sorted({str(r) for p, r in pairs if not _eligible(p, r, member_orgs)})
    if refused:
        raise ValidationError(
            _("Membre de la structure porteuse, ne peut pas évaluer ce projet : %(names)s.")
            % {"names": ", ".join(refused)},
            code="member",
        )
    existing = set(
        Assignment.objects.filter(project__call=call).values_list("project_id", "reviewer_id")
    )
    new = [
        Assignment(project=p, reviewer=r, assigned_by=by)
        for p, r in dict.fromkeys(pairs)
        if (p.pk, r.pk) not in existing
    ]
    _refuse_when_decided(call)
    Assignment.objects.bulk_create(new)
    _refresh_summaries(call, new)
    call.reviewers.add(*{a.reviewer for a in new})
    _announce(new, call, by, ip)
    return len(new)


def _refresh_summaries(call, new) -> None:
    """bulk_create skips the receivers: refresh the projects assigned, or the whole call in
    one pass when they are many."""
    projects = {assignment.project_id for assignment in new}
    if len(projects) > 20:
        rebuild_summaries(call=call)
    else:
        for project_id in sorted(projects):
            refresh_project_summary(project=project_id)


def _territory_keys(reviewers) -> dict[int, tuple[set[int], set[int]]]:
    """Reviewer id → (départements, régions) of their organisations' communes."""
    result: dict[int, tuple[set[int], set[int]]] = {}
    rows = Membership.objects.filter(
        user__in=[r.pk for r in reviewers], organisation__commune__isnull=False
    ).values_list(
        "user_id", "organisation__commune__departement_id", "organisation__commune__region_id"
    )
    for user_id, departement_id, region_id in rows:
        departements, regions = result.setdefault(user_id, (set(), set()))
        departements.add(departement_id)
        regions.add(region_id)
    return result


def _rank(reviewer, project, lowest, load, territories):
    departements, regions = territories.get(reviewer.pk, (set(), set()))
    return (
        load[reviewer.pk] > lowest,
        project.departement_id not in departements,
        project.region_id not in regions,
        load[reviewer.pk],
        reviewer.pk,
    )


@transaction.atomic
def assignments_auto(*, call: Call, per_project: int, by: User, ip=None) -> int:
    """Give every submitted project of the call `per_project` active reviewers from the pool.

    Load comes first (max − min ≤ 1 whenever the exclusions allow it): among the least loaded
    eligible reviewers, one from the project's département, then région, is preferred. Members
    of the project's organisation and reviewers already assigned (even in conflict or recused)
    are never chosen. Returns how many assignments were created."""
    if per_project < 1:
        raise ValidationError(_("Indiquez au moins un évaluateur par projet."))
    _refuse_when_decided(call)
    _lock_call(call)
    reviewers = list(call.reviewers.filter(is_active=True).order_by("pk"))
    if not reviewers:
        raise ValidationError(_("Le vivier d'évaluateurs de l'appel est vide."))
    projects = list(call.projects.submitted().order_by("pk"))
    member_orgs = _member_organisations(reviewers)
    territories = _territory_keys(reviewers)
    taken: dict[int, set[int]] = {}
    load = dict.fromkeys((r.pk for r in reviewers), 0)
    for project_id, reviewer_id, state in Assignment.objects.filter(project__call=call).values_list(
        "project_id", "reviewer_id", "state"
    ):
        taken.setdefault(project_id, set()).add(reviewer_id)
        if state in ACTIVE_ASSIGNMENT_STATES and reviewer_id in load:
            load[reviewer_id] += 1
    active = dict(
        Assignment.objects.active()
        .filter(project__call=call)
        .values("project_id")
        .annotate(n=models.Count("pk"))
        .values_list("project_id", "n")
    )
    new = []
    for project in projects:
        missing = per_project - active.get(project.pk, 0)
        for _i in range(max(missing, 0)):
            candidates = [
                r
                for r in reviewers
                if r.pk not in taken.get(project.pk, set()) and _eligible(project, r, member_orgs)
            ]
            if not candidates:
                break
            lowest = min(load[r.pk] for r in candidates)
            chosen = min(
                candidates, key=lambda r, p=project, low=lowest: _rank(r, p, low, load, territories)
            )
            new.append(Assignment(project=project, reviewer=chosen, assigned_by=by))
            taken.setdefault(project.pk, set()).add(chosen.pk)
            load[chosen.pk] += 1
    Assignment.objects.bulk_create(new)
    _refresh_summaries(call, new)
    _announce(new, call, by, ip)
    return len(new)


@transaction.atomic
def assignments_set_due_date(
    *, call: Call, assignment_ids: Iterable[int], due_date, by: User
) -> int:
    """Give the call's chosen assignments their own due date, or (None) the call's review
    deadline back. Reminders follow the new date. Returns how many changed."""
    ids = sorted(
        Assignment.objects.filter(project__call=call, pk__in=list(assignment_ids)).values_list(
            "pk", flat=True
        )
    )
    if not ids:
        raise ValidationError(_("Cochez au moins une assignation."), code="empty")
    changed = Assignment.objects.filter(pk__in=ids).update(due_date=due_date)
    audit_record(
        actor=by,
        action="assignment.due_date",
        obj=call,
        after={"assignments": ids, "due_date": due_date},
    )
    return changed
