"""Writes to projects: drafts, submission, withdrawal and co-holders."""

from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.emails import send_templated_email_on_commit
from accounts.models import Membership, Role, User
from accounts.services import audit_record, audit_values, audited_update
from projects.models import (
    Call,
    CallStatus,
    Project,
    ProjectStatus,
    SelfAssessmentPolicy,
)
from projects.services.assessments import assessment_submit, self_assessment_problems
from projects.services.calls import paris_time
from territories.typography import format_euros

PROJECT_FIELDS = (
    "title",
    "summary",
    "social_need",
    "solution",
    "beneficiaries",
    "partners",
    "stage",
    "budget",
    "amount_requested",
    "jobs_created",
    "commune",
    "scope_level",
)
# What "complete" means for submission, with the label used in the refusal.
PROJECT_REQUIRED = {
    "summary": gettext_lazy("le résumé"),
    "social_need": gettext_lazy("le besoin social"),
    "solution": gettext_lazy("la solution proposée"),
    "beneficiaries": gettext_lazy("les bénéficiaires"),
    "stage": gettext_lazy("le stade du projet"),
    "budget": gettext_lazy("le budget"),
    "amount_requested": gettext_lazy("le montant demandé"),
    "commune": gettext_lazy("la commune"),
    "scope_level": gettext_lazy("l'échelle d'intervention"),
}


def _check_amount(project: Project) -> None:
    maximum = project.call.max_amount
    requested = project.amount_requested
    if maximum is not None and requested is not None and requested > maximum:
        raise ValidationError(
            {
                "amount_requested": _("Le montant demandé dépasse le maximum de l'appel (%(max)s).")
                % {"max": format_euros(maximum)}
            },
            code="amount",
        )


def require_editable(project: Project) -> None:
    """Only a draft changes: a submitted project stays as the funder received it."""
    if not project.is_draft:
        raise ValidationError(
            _("Le projet est « %(status)s » : il ne peut plus être modifié.")
            % {"status": ProjectStatus(project.status).label},
            code="locked",
        )


@transaction.atomic
def project_create(
    *, call: Call, organisation, owner: User, eligibility=(), now=None, **fields
) -> Project:
    """Start a draft project for `organisation` on an open call (`now`: for back-dated demo
    and test data)."""
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown project fields: {sorted(unknown)}")
    if not call.accepts_projects(now or timezone.now()):
        raise ValidationError(_("Cet appel n'accepte pas de nouveaux projets."), code="closed")
    if not Membership.objects.filter(
        user=owner, organisation=organisation, role=Role.HOLDER
    ).exists():
        raise ValidationError(_("Vous n'êtes pas porteur de projet dans cette structure."))
    project = Project(call=call, organisation=organisation, owner=owner, **fields)
    project.full_clean()
    _check_amount(project)
    project.save()
    project.eligibility_confirmed.set(eligibility)
    return project


@transaction.atomic
def project_update(*, project: Project, by: User, eligibility=None, **fields) -> Project:
    """Save the draft as it is: nothing is required until submission."""
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown project fields: {sorted(unknown)}")
    project = Project.objects.select_for_update().select_related("call").get(pk=project.pk)
    require_editable(project)
    before = audit_values(project, fields)
    for field, value in fields.items():
        setattr(project, field, value)
    project.full_clean()
    _check_amount(project)
    project.save()
    after = audit_values(project, fields)
    changed = sorted(field for field in fields if before[field] != after[field])
    if changed:
        audit_record(actor=by, action="project.update", obj=project, after={"fields": changed})
    if eligibility is not None:
        project.eligibility_confirmed.set(
            [item for item in eligibility if item.call_id == project.call_id]
        )
    return project


def in_call_territory(call: Call, commune) -> bool:
    """True when the commune is inside the call's scope (an empty scope is national)."""
    region_ids = {region.pk for region in call.regions.all()}
    departement_ids = {departement.pk for departement in call.departements.all()}
    if not region_ids and not departement_ids:
        return True
    return commune.region_id in region_ids or commune.departement_id in departement_ids


class Gap(NamedTuple):
    """One thing that prevents submitting a project, and where it is fixed: the view name
    (taking the project's pk) and the anchor of the field, or no fix (the call's dates)."""

    message: str
    fix: str = ""
    anchor: str = ""


def project_submission_gaps(project: Project, *, now=None) -> list[Gap]:
    """Everything that prevents submitting `project` now, each explained with where to fix
    it (empty: submittable). The holder's "what is missing" list and `project_submit` read
    the same list."""
    now = now or timezone.now()
    call = project.call
    gaps = []
    edit = "projects:project_edit"
    if project.status != ProjectStatus.DRAFT:
        gaps.append(
            Gap(
                _("Le projet est déjà « %(status)s ».")
                % {"status": ProjectStatus(project.status).label}
            )
        )
    if call.status != CallStatus.OPEN:
        gaps.append(
            Gap(
                _("L'appel est « %(status)s » : il n'accepte pas de dépôt.")
                % {"status": CallStatus(call.status).label}
            )
        )
    elif now < call.opens_at:
        gaps.append(
            Gap(
                _("L'appel n'ouvre que le %(date)s (heure de Paris).")
                % {"date": paris_time(call.opens_at)}
            )
        )
    elif now >= call.closes_at:
        gaps.append(
            Gap(
                _(
                    "L'appel est clos depuis le %(date)s (heure de Paris) : "
                    "le dépôt n'est plus possible."
                )
                % {"date": paris_time(call.closes_at)}
            )
        )
    for field, label in PROJECT_REQUIRED.items():
        if getattr(project, field) in ("", None):
            gaps.append(Gap(_("Il manque %(field)s.") % {"field": label}, edit, f"div_id_{field}"))
    if project.commune_id and not in_call_territory(call, project.commune):
        gaps.append(
            Gap(
                _("La commune %(commune)s est hors du territoire de l'appel.")
                % {"commune": project.commune.name},
                edit,
                "div_id_commune",
            )
        )
    if (
        call.max_amount is not None
        and project.amount_requested is not None
        and project.amount_requested > call.max_amount
    ):
        gaps.append(
            Gap(
                _("Le montant demandé dépasse le maximum de l'appel."),
                edit,
                "div_id_amount_requested",
            )
        )
    ticked = set(project.eligibility_confirmed.values_list("pk", flat=True))
    unticked = [item.label for item in call.eligibility_items.all() if item.pk not in ticked]
    if unticked:
        gaps.append(
            Gap(
                _(
                    "Critères d'éligibilité non attestés : %(items)s. Cochez-les dans "
                    "« Modifier », rubrique « Éligibilité »."
                )
                % {"items": " ; ".join(unticked)},
                edit,
                "div_id_eligibility",
            )
        )
    if call.self_assessment_policy == SelfAssessmentPolicy.REQUIRED:
        assessment = project.assessments.self_assessments().first()
        messages = (
            self_assessment_problems(assessment)
            if assessment
            else [_("L'auto-évaluation est obligatoire pour cet appel : remplissez-la.")]
        )
        gaps.extend(Gap(str(message), "projects:self_assessment_edit") for message in messages)
    return gaps


def project_submission_problems(project: Project, *, now=None) -> list[str]:
    """Everything that prevents submitting `project` now, each explained (empty: submittable)."""
    return [gap.message for gap in project_submission_gaps(project, now=now)]


@transaction.atomic
def project_submit(*, project: Project, by: User, now=None) -> Project:
    """Submit a complete project to an open call, all or nothing: the project, its
    self-assessment (submitted with it) and the submission date change together."""
    project = (
        # Lock the project row only: PostgreSQL refuses FOR UPDATE on the commune's outer join.
        Project.objects.select_for_update(of=("self",))
        .select_related("call", "commune")
        .get(pk=project.pk)
    )
    now = now or timezone.now()
    problems = project_submission_problems(project, now=now)
    if problems:
        raise ValidationError(problems, code="incomplete")
    project.status = ProjectStatus.SUBMITTED
    project.submitted_at = now
    project.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(actor=by, action="project.submit", obj=project, after={"status": project.status})
    assessment = project.assessments.self_assessments().first()
    if assessment is not None and not self_assessment_problems(assessment):
        assessment = assessment_submit(assessment=assessment, by=by, now=now)
    else:
        assessment = None
    _send_receipt(project, assessment)
    return project


def _send_receipt(project: Project, assessment) -> None:
    """The holders' receipt: what was submitted, to which call, when (Paris time)."""
    send_templated_email_on_commit(
        "submission_receipt",
        {
            "project": project,
            "submitted_at": project.submitted_at,
            "assessment": assessment,
            "attachments": [a.original_name for a in project.attachments.order_by("pk")],
            "url": settings.SITE_URL + reverse("projects:project_detail", args=[project.pk]),
        },
        [project.owner, *project.co_holders.all()],
    )


@transaction.atomic
def project_withdraw(*, project: Project, by: User) -> Project:
    """Withdraw a submitted project; a decided one stays as decided."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.is_withdrawable:
        raise ValidationError(
            _("Seul un projet déposé peut être retiré (statut actuel : %(status)s).")
            % {"status": ProjectStatus(project.status).label},
            code="status",
        )
    return audited_update(
        obj=project, by=by, action="project.withdraw", status=ProjectStatus.WITHDRAWN
    )


@transaction.atomic
def project_add_co_holder(*, project: Project, email: str, by: User) -> User:
    """Let a holder colleague of the same organisation edit the project."""
    colleague = User.objects.filter(
        email__iexact=email.strip(),
        is_active=True,
        memberships__organisation_id=project.organisation_id,
        memberships__role=Role.HOLDER,
    ).first()
    if colleague is None:
        raise ValidationError(
            _(
                "Aucun porteur de votre structure n'a cette adresse : la personne doit d'abord "
                "être membre de la structure."
            ),
            code="unknown",
        )
    if colleague.pk == project.owner_id:
        raise ValidationError(_("Cette personne est déjà responsable du projet."), code="owner")
    project.co_holders.add(colleague)
    audit_record(
        actor=by, action="project.co_holder_add", obj=project, after={"user": colleague.pk}
    )
    return colleague


@transaction.atomic
def project_remove_co_holder(*, project: Project, user: User, by: User) -> None:
    project.co_holders.remove(user)
    audit_record(actor=by, action="project.co_holder_remove", obj=project, before={"user": user.pk})
