"""The funder's decisions, in two steps. Proposed decisions are drafts the call's managers
alone see: no project status changes, nobody is e-mailed. Publishing the call's decisions (all
or a selection) changes the projects' statuses and e-mails each project's holders once. After
publication, a correction is an explicit act with its reason, journalled, that tells the
holders."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.emails import send_templated_email_on_commit
from accounts.models import User
from accounts.services import audit_record, audit_values
from projects.models import (
    Call,
    Decision,
    DecisionStatus,
    FeedbackPolicy,
    Outcome,
    Project,
    ProjectStatus,
)
from projects.selectors.committee import project_recipients, publication_plan, selected_total
from projects.signals import decisions_published

OUTCOME_STATUS = {
    Outcome.SELECTED: ProjectStatus.SELECTED,
    Outcome.WAITLISTED: ProjectStatus.WAITLISTED,
    Outcome.REJECTED: ProjectStatus.REJECTED,
}
# What the decision records beyond its outcome, for the open-data file (SCDL "subventions").
DECISION_DETAILS = (
    "decision_date",
    "reference",
    "aid_nature",
    "payment_terms",
    "payment_dates",
    "budget_share",
)
JOURNALLED = ("outcome", "amount_granted", "motivation", "override_reason", *DECISION_DETAILS)


def euros(value) -> str:
    """An amount as French readers expect it: "45 000 €" (cents only when there are some)."""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    return f"{number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)} €"


def amount_beyond_limits(*, project: Project, amount) -> list[str]:
    """Why `amount` granted to `project` needs a reason: above the amount requested, above the
    call's ceiling, or taking the call's selected amounts beyond its envelope (empty: none)."""
    call = project.call
    beyond = []
    if project.amount_requested is not None and amount > project.amount_requested:
        beyond.append(
            _("Ce montant dépasse le montant demandé (%(amount)s).")
            % {"amount": euros(project.amount_requested)}
        )
    if call.max_amount is not None and amount > call.max_amount:
        beyond.append(
            _("Ce montant dépasse le plafond de l'appel (%(amount)s).")
            % {"amount": euros(call.max_amount)}
        )
    if call.budget_envelope is not None:
        total = selected_total(call=call, exclude_project=project) + amount
        if total > call.budget_envelope:
            beyond.append(
                _(
                    "Avec ce montant, les projets retenus de l'appel totalisent %(total)s, "
                    "au-delà de l'enveloppe (%(envelope)s)."
                )
                % {"total": euros(total), "envelope": euros(call.budget_envelope)}
            )
    return beyond


def decision_problems(
    *, project: Project, outcome: str, amount_granted, motivation: str, override_reason: str
) -> dict[str, list[str]]:
    """What refuses this decision, by form field, in French (empty: it may be recorded).

    A selected project needs an amount; an amount beyond the limits (`amount_beyond_limits`)
    needs a reason; a refusal needs a motivation when the call's feedback policy promises the
    holder more than the bare decision."""
    problems: dict[str, list[str]] = {}
    if outcome == Outcome.SELECTED:
        if amount_granted is None:
            problems["amount_granted"] = [_("Un projet retenu a besoin d'un montant accordé.")]
        elif not (override_reason or "").strip():
            beyond = amount_beyond_limits(project=project, amount=amount_granted)
            if beyond:
                problems["amount_granted"] = beyond
                problems["override_reason"] = [
                    _("Pour accorder ce montant malgré tout, indiquez le motif du dépassement.")
                ]
    if (
        outcome == Outcome.REJECTED
        and project.call.feedback_policy != FeedbackPolicy.DECISION
        and not (motivation or "").strip()
    ):
        problems["motivation"] = [_("L'appel promet un retour aux porteurs : motivez ce refus.")]
    return problems


def _locked_project(project: Project) -> Project:
    project = (
        Project.objects.select_for_update(of=("self",)).select_related("call").get(pk=project.pk)
    )
    if not project.call.takes_decisions:
        raise ValidationError(_("On décide une fois l'appel en évaluation."), code="phase")
    if not project.counts:
        raise ValidationError(_("Ce projet n'est pas en lice."), code="status")
    return project


def _apply(
    decision: Decision,
    *,
    project: Project,
    outcome: str,
    amount_granted,
    motivation: str,
    override_reason: str,
    details: dict,
) -> None:
    """Check and set the decision's values (not saved)."""
    if outcome != Outcome.SELECTED:
        amount_granted = None
    problems = decision_problems(
        project=project,
        outcome=outcome,
        amount_granted=amount_granted,
        motivation=motivation,
        override_reason=override_reason,
    )
    if problems:
        raise ValidationError(problems, code="checks")
    unknown = set(details) - set(DECISION_DETAILS)
    if unknown:
        raise TypeError(f"Unknown decision fields: {sorted(unknown)}")
    decision.outcome, decision.amount_granted = outcome, amount_granted
    decision.motivation = (motivation or "").strip()
    # A reason is kept only while the amount needs one.
    needs_reason = amount_granted is not None and bool(
        amount_beyond_limits(project=project, amount=amount_granted)
    )
    decision.override_reason = (override_reason or "").strip() if needs_reason else ""
    for name, value in details.items():
        nullable = Decision._meta.get_field(name).null
        setattr(decision, name, "" if value is None and not nullable else value)
    decision.full_clean(exclude=["project", "decided_by"])


@transaction.atomic
def decision_propose(
    *,
    project: Project,
    outcome: str,
    amount_granted=None,
    motivation: str = "",
    override_reason: str = "",
    by: User,
    ip=None,
    **details,
) -> Decision:
    """Propose (or revise) the decision on a project. A draft: the project keeps its status
    and nobody is e-mailed until the decisions are published (`decisions_publish`)."""
    project = _locked_project(project)
    decision = Decision.objects.filter(project=project).first()
    if decision is not None and decision.is_published:
        raise ValidationError(
            _("Cette décision est publiée : une modification est une correction explicite."),
            code="published",
        )
    before = audit_values(decision, JOURNALLED) if decision else None
    decision = decision or Decision(project=project)
    _apply(
        decision,
        project=project,
        outcome=outcome,
        amount_granted=amount_granted,
        motivation=motivation,
        override_reason=override_reason,
        details=details,
    )
    decision.decided_by = by
    decision.save()
    after = audit_values(decision, JOURNALLED)
    if before != after:
        audit_record(
            actor=by,
            action="decision.revise" if before else "decision.propose",
            obj=decision,
            before=before,
            after=after,
            ip=ip,
        )
    return decision


def _budget_share(decision: Decision, project: Project) -> Decimal | None:
    if decision.amount_granted is None or not project.budget:
        return None
    share = decision.amount_granted * 100 / project.budget
    return min(share, Decimal(100)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _email_holders(decision: Decision, recipients, template: str, **context) -> None:
    send_templated_email_on_commit(
        template,
        {
            "project": decision.project,
            "outcome": Outcome(decision.outcome).label,
            "amount": euros(decision.amount_granted) if decision.amount_granted else "",
            "motivation": decision.motivation,
            **context,
        },
        recipients,
    )


@transaction.atomic
def decisions_publish(
    *,
    call: Call,
    by: User,
    decision_ids=None,
    override_reason: str = "",
    ip=None,
    now=None,
) -> list[Decision]:
    """Publish the call's proposed decisions (those of `decision_ids`, or all): each project
    takes its outcome as status and its holders are e-mailed once, after commit. Refused when
    the published amounts would exceed the call's envelope, unless `override_reason` says why.

    Idempotent: the call's row is locked, and decisions already published are left out, so a
    double submission publishes and e-mails nothing the second time. Returns the decisions
    published."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not call.takes_decisions:
        raise ValidationError(_("On publie des décisions une fois l'appel en évaluation."))
    plan = publication_plan(call=call, decision_ids=decision_ids)
    if not plan.lines:
        return []
    reason = (override_reason or "").strip()
    if plan.over_envelope is not None and not reason:
        raise ValidationError(
            {
                "override_reason": [
                    _(
                        "Publier ces décisions porte les montants accordés à %(total)s, soit "
                        "%(over)s au-delà de l'enveloppe de l'appel (%(envelope)s) : indiquez "
                        "le motif pour publier malgré tout."
                    )
                    % {
                        "total": euros(plan.total_after),
                        "over": euros(plan.over_envelope),
                        "envelope": euros(plan.envelope),
                    }
                ]
            },
            code="envelope",
        )
    now = now or timezone.now()
    today = timezone.localdate(now)
    projects = {
        p.pk: p
        for p in Project.objects.select_for_update(of=("self",)).filter(
            pk__in=[line.decision.project_id for line in plan.lines]
        )
    }
    published = []
    for line in plan.lines:
        decision, project = line.decision, projects[line.decision.project_id]
        decision.project = project
        decision.status = DecisionStatus.PUBLISHED
        decision.published_at, decision.published_by = now, by
        decision.decision_date = decision.decision_date or today
        if decision.budget_share is None:
            decision.budget_share = _budget_share(decision, project)
        decision.save()
        project.status = OUTCOME_STATUS[decision.outcome]
        project.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by,
            action="decision.publish",
            obj=decision,
            after={
                "outcome": decision.outcome,
                "amount_granted": decision.amount_granted,
                "recipients": len(line.recipients),
            },
            ip=ip,
        )
        _email_holders(decision, line.recipients, "decision_published")
        published.append(decision)
    audit_record(
        actor=by,
        action="decisions.publish",
        obj=call,
        after={
            "decisions": len(published),
            "amount": plan.publishing_amount,
            "total_after": plan.total_after,
            **({"override_reason": reason} if plan.over_envelope is not None else {}),
        },
        ip=ip,
    )
    decisions_published.send(sender=Call, call=call, decisions=published)
    return published


@transaction.atomic
def decision_correct(
    *,
    project: Project,
    reason: str,
    outcome: str,
    amount_granted=None,
    motivation: str = "",
    override_reason: str = "",
    by: User,
    ip=None,
    **details,
) -> Decision:
    """Correct a published decision: `reason` is required, journalled with the values before
    and after, and e-mailed to the holders with the corrected decision."""
    project = _locked_project(project)
    decision = Decision.objects.select_for_update().filter(project=project).first()
    if decision is None or not decision.is_published:
        raise ValidationError(
            _("Seule une décision publiée se corrige ; un projet de décision se modifie."),
            code="proposed",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"correction_reason": [_("Indiquez le motif de la correction : le porteur le lira.")]},
            code="reason",
        )
    before = audit_values(decision, JOURNALLED)
    _apply(
        decision,
        project=project,
        outcome=outcome,
        amount_granted=amount_granted,
        motivation=motivation,
        override_reason=override_reason,
        details=details,
    )
    decision.save()
    after = audit_values(decision, JOURNALLED)
    if before == after:
        raise ValidationError(_("Rien n'a changé : la décision publiée reste telle quelle."))
    project.status = OUTCOME_STATUS[decision.outcome]
    project.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        action="decision.correct",
        obj=decision,
        before=before,
        after={**after, "reason": reason},
        ip=ip,
    )
    recipients = project_recipients([project.pk]).get(project.pk, [])
    _email_holders(decision, recipients, "decision_corrected", reason=reason)
    decisions_published.send(sender=Call, call=project.call, decisions=[decision])
    return decision
