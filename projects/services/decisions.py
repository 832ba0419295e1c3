"""The funder's decisions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.emails import send_templated_email_on_commit
from accounts.models import User
from accounts.services import audit_record
from projects.models import (
    Decision,
    Outcome,
    Project,
    ProjectStatus,
)

OUTCOME_STATUS = {
    Outcome.SELECTED: ProjectStatus.SELECTED,
    Outcome.WAITLISTED: ProjectStatus.WAITLISTED,
    Outcome.REJECTED: ProjectStatus.REJECTED,
}


@transaction.atomic
def decision_record(
    *, project: Project, outcome: str, amount_granted, motivation: str, by: User
) -> Decision:
    """Record (or correct) the funder's decision; the project takes the outcome as status and
    its holders are emailed after commit."""
    project = (
        Project.objects.select_for_update(of=("self",)).select_related("call").get(pk=project.pk)
    )
    if not project.call.takes_decisions:
        raise ValidationError(_("On décide une fois l'appel en évaluation."))
    if not project.counts:
        raise ValidationError(_("Ce projet n'est pas en lice."))
    if outcome != Outcome.SELECTED:
        amount_granted = None
    decision = Decision.objects.filter(project=project).first() or Decision(project=project)
    before = (
        {"outcome": decision.outcome, "amount": decision.amount_granted} if decision.pk else None
    )
    decision.outcome, decision.amount_granted = outcome, amount_granted
    decision.motivation, decision.decided_by = motivation, by
    decision.full_clean(exclude=["project"])
    decision.save()
    project.status = OUTCOME_STATUS[outcome]
    project.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        action="decision.record",
        obj=project,
        before=before,
        after={"outcome": outcome, "amount": amount_granted},
    )
    emails = list(
        User.objects.filter(Q(pk=project.owner_id) | Q(co_held_projects=project))
        .values_list("email", flat=True)
        .distinct()
    )
    send_templated_email_on_commit(
        "decision_published", {"project": project, "outcome": Outcome(outcome).label}, emails
    )
    return decision
