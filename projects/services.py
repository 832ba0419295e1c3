"""Writes to calls, projects, attachments and assessments. Every rule is checked here, before
anything is saved, and every refusal says why in French."""

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Role, User
from accounts.services import audit_record
from grid.models import Criterion, VersionStatus
from projects import scoring
from projects.models import (
    ACTIVE_ASSIGNMENT_STATES,
    MAX_ATTACHMENT_BYTES,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    Assignment,
    AssignmentState,
    Attachment,
    Call,
    CallStatus,
    Decision,
    EligibilityItem,
    Outcome,
    Project,
    ProjectStatus,
    ReviewerInvitation,
    Score,
    SelfAssessmentPolicy,
)

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
)
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
EDITABLE_PROJECT_STATUSES = (ProjectStatus.DRAFT,)


def _paris(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# --- Calls ----------------------------------------------------------------------------------


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
    *, call: Call, by: User | None, regions=None, departements=None, eligibility=None, **fields
) -> Call:
    """Change a call. Once open, its grid version and its eligibility checklist stay as the
    holders saw them; once decided, nothing changes."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown call fields: {sorted(unknown)}")
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status == CallStatus.DECIDED:
        raise ValidationError(_("Cet appel est décidé : il ne peut plus être modifié."))
    if not call.is_draft:
        if "grid_version" in fields and fields["grid_version"].pk != call.grid_version_id:
            raise ValidationError(
                {
                    "grid_version": _(
                        "L'appel est ouvert : sa version de grille ne peut plus changer."
                    )
                },
                code="frozen",
            )
        current = list(call.eligibility_items.values_list("label", flat=True))
        if eligibility is not None and [e.strip() for e in eligibility if e.strip()] != current:
            raise ValidationError(
                {
                    "eligibility": _(
                        "L'appel est ouvert : la liste d'éligibilité ne peut plus changer."
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
    return call


# Forward only: draft → open → review → decided.
NEXT_STATUS = {
    CallStatus.DRAFT: CallStatus.OPEN,
    CallStatus.OPEN: CallStatus.REVIEW,
    CallStatus.REVIEW: CallStatus.DECIDED,
}


def call_transition_problems(call: Call, to: str, *, now=None) -> list[str]:
    """Why `call` cannot move to status `to` now, as French sentences (empty: it can)."""
    now = now or timezone.now()
    if call.status == CallStatus.DECIDED:
        return [_("Cet appel est décidé : son statut ne peut plus changer.")]
    if NEXT_STATUS.get(call.status) != to:
        return [
            _("Un appel « %(current)s » ne peut pas passer au statut « %(target)s ».")
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
                    "La version %(number)s de la grille n'est pas publiée : "
                    "l'appel ne peut pas ouvrir."
                )
                % {"number": call.grid_version.number}
            )
        if call.closes_at <= now:
            problems.append(
                _("La date de clôture (%(date)s) est passée : choisissez une date future.")
                % {"date": _paris(call.closes_at)}
            )
    return problems


@transaction.atomic
def call_transition(*, call: Call, to: str, by: User | None, now=None) -> Call:
    """Move a call one step forward. Entering review puts its submitted projects under review."""
    call = Call.objects.select_for_update().select_related("grid_version").get(pk=call.pk)
    problems = call_transition_problems(call, to, now=now)
    if problems:
        raise ValidationError(problems, code="transition")
    call.status = to
    call.save(update_fields=["status", "updated_at"])
    if to == CallStatus.REVIEW:
        call.projects.filter(status=ProjectStatus.SUBMITTED).update(
            status=ProjectStatus.UNDER_REVIEW, updated_at=timezone.now()
        )
    return call


# --- Projects -------------------------------------------------------------------------------


def _check_amount(project: Project) -> None:
    maximum = project.call.max_amount
    requested = project.amount_requested
    if maximum is not None and requested is not None and requested > maximum:
        raise ValidationError(
            {
                "amount_requested": _(
                    "Le montant demandé dépasse le maximum de l'appel (%(max)s €)."
                )
                % {"max": f"{maximum:,.0f}".replace(",", "\u202f")}
            },
            code="amount",
        )


def _require_editable(project: Project) -> None:
    if project.status not in EDITABLE_PROJECT_STATUSES:
        raise ValidationError(
            _("Le projet est « %(status)s » : il ne peut plus être modifié.")
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
    if call.status != CallStatus.OPEN or call.closes_at <= (now or timezone.now()):
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
    _require_editable(project)
    for field, value in fields.items():
        setattr(project, field, value)
    project.full_clean()
    _check_amount(project)
    project.save()
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


def project_submission_problems(project: Project, *, now=None) -> list[str]:
    """Everything that prevents submitting `project` now, each explained (empty: submittable)."""
    now = now or timezone.now()
    call = project.call
    problems = []
    if project.status != ProjectStatus.DRAFT:
        problems.append(
            _("Le projet est déjà « %(status)s ».")
            % {"status": ProjectStatus(project.status).label}
        )
    if call.status != CallStatus.OPEN:
        problems.append(
            _("L'appel est « %(status)s » : il n'accepte pas de dépôt.")
            % {"status": CallStatus(call.status).label}
        )
    elif now < call.opens_at:
        problems.append(
            _("L'appel n'ouvre que le %(date)s (heure de Paris).") % {"date": _paris(call.opens_at)}
        )
    elif now >= call.closes_at:
        problems.append(
            _(
                "L'appel est clos depuis le %(date)s (heure de Paris) : "
                "le dépôt n'est plus possible."
            )
            % {"date": _paris(call.closes_at)}
        )
    missing = [
        label for field, label in PROJECT_REQUIRED.items() if getattr(project, field) in ("", None)
    ]
    if missing:
        names = ", ".join(str(label) for label in missing)
        problems.append(_("Il manque : %(fields)s.") % {"fields": names})
    if project.commune_id and not in_call_territory(call, project.commune):
        problems.append(
            _("La commune %(commune)s est hors du territoire de l'appel.")
            % {"commune": project.commune.name}
        )
    if (
        call.max_amount is not None
        and project.amount_requested is not None
        and project.amount_requested > call.max_amount
    ):
        problems.append(_("Le montant demandé dépasse le maximum de l'appel."))
    ticked = set(project.eligibility_confirmed.values_list("pk", flat=True))
    unticked = [item.label for item in call.eligibility_items.all() if item.pk not in ticked]
    if unticked:
        problems.append(
            _("Critères d'éligibilité non attestés : %(items)s.") % {"items": " ; ".join(unticked)}
        )
    if call.self_assessment_policy == SelfAssessmentPolicy.REQUIRED:
        assessment = project.assessments.self_assessments().first()
        problems.extend(
            self_assessment_problems(assessment)
            if assessment
            else [_("L'auto-évaluation est obligatoire pour cet appel : remplissez-la.")]
        )
    return problems


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
    assessment = project.assessments.self_assessments().first()
    if assessment is not None and not self_assessment_problems(assessment):
        assessment_submit(assessment=assessment, by=by, now=now)
    return project


@transaction.atomic
def project_withdraw(*, project: Project, by: User) -> Project:
    """Withdraw a submitted project; a decided one stays as decided."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in (ProjectStatus.SUBMITTED, ProjectStatus.UNDER_REVIEW):
        raise ValidationError(
            _("Seul un projet déposé peut être retiré (statut actuel : %(status)s).")
            % {"status": ProjectStatus(project.status).label},
            code="status",
        )
    project.status = ProjectStatus.WITHDRAWN
    project.save(update_fields=["status", "updated_at"])
    return project


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
                "Aucun porteur de votre structure n'a cette adresse : la personne doit d'abord "
                "être membre de la structure."
            ),
            code="unknown",
        )
    if colleague.pk == project.owner_id:
        raise ValidationError(_("Cette personne est déjà responsable du projet."), code="owner")
    project.co_holders.add(colleague)
    return colleague


@transaction.atomic
def project_remove_co_holder(*, project: Project, user: User, by: User) -> None:
    project.co_holders.remove(user)


# --- Attachments ----------------------------------------------------------------------------

PDF_MAGIC = b"%PDF-"


def clean_display_name(name: str) -> str:
    """The client's file name reduced to a harmless label: no directory, no control
    characters, at most 150 characters, always ending in .pdf."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem, _ext = os.path.splitext(name)
    stem = stem[:140] or "document"
    return f"{stem}.pdf"


def attachment_problems(uploaded_file) -> list[str]:
    problems = []
    name = uploaded_file.name or ""
    if "/" in name or "\\" in name or name.startswith(".."):
        problems.append(_("Le nom du fichier ne doit pas contenir de chemin."))
    if uploaded_file.size > MAX_ATTACHMENT_BYTES:
        problems.append(_("Le fichier dépasse 10 Mo."))
    if uploaded_file.size == 0:
        problems.append(_("Le fichier est vide."))
    uploaded_file.seek(0)
    head = uploaded_file.read(len(PDF_MAGIC))
    uploaded_file.seek(0)
    # The content decides, never the extension or the browser's content type.
    if head != PDF_MAGIC:
        problems.append(_("Le fichier n'est pas un PDF : seuls les PDF sont acceptés."))
    return problems


@transaction.atomic
def attachment_add(*, project: Project, uploaded_file, by: User) -> Attachment:
    """Store a PDF under a server-generated name after checking its content and size."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require_editable(project)
    problems = attachment_problems(uploaded_file)
    if problems:
        raise ValidationError(problems, code="attachment")
    attachment = Attachment(
        project=project,
        original_name=clean_display_name(uploaded_file.name),
        size=uploaded_file.size,
        uploaded_by=by,
    )
    attachment.file.save("upload.pdf", uploaded_file, save=False)
    # The file is on disk before the row: remove it again if the row cannot be saved.
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: User) -> None:
    _require_editable(attachment.project)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Assessments ----------------------------------------------------------------------------


def version_criteria(version_id: int) -> list[Criterion]:
    """A grid version's criteria in form order, with their axis and scale levels (2 queries)."""
    return list(
        Criterion.objects.filter(version_id=version_id)
        .select_related("axis")
        .prefetch_related("levels")
        .order_by("axis__position", "position", "code")
    )


@transaction.atomic
def self_assessment_get_or_create(*, project: Project, by: User) -> Assessment:
    """The project's single self-assessment, authored in the owner's name whoever edits it."""
    assessment, _created = Assessment.objects.get_or_create(
        project=project,
        kind=AssessmentKind.SELF,
        defaults={"author_id": project.owner_id, "grid_version_id": project.call.grid_version_id},
    )
    return assessment


def assessment_recompute(*, assessment: Assessment, criteria=None, values=None) -> Assessment:
    """Recompute the stored totals from the raw scores (the one scoring function).

    `criteria` (the version's) and `values` (criterion id → value) may be given by a caller
    that has just written them; otherwise they are read from the database."""
    if criteria is None:
        criteria = Criterion.objects.filter(version_id=assessment.grid_version_id)
    if values is None:
        values = dict(assessment.scores.values_list("criterion_id", "value"))
    summary = scoring.summarise(criteria, values)
    assessment.total = summary.total
    assessment.core_total = summary.core_total
    assessment.scored_count = summary.scored
    assessment.core_scored_count = summary.core_scored
    assessment.coverage = summary.coverage
    return assessment


class StaleAssessment(ValidationError):
    """Someone saved the assessment since the form was loaded."""


@transaction.atomic
def assessment_save_scores(
    *,
    assessment: Assessment,
    scores: Mapping[int, tuple[int | None, str]],
    by: User,
    row_version: int | None = None,
) -> Assessment:
    """Save scores (criterion id → (value or None for N/A, comment)) and the recomputed totals.

    Values outside the criterion's scale, N/A where the criterion forbids it and criteria from
    another grid version are refused. With `row_version`, a concurrent save is refused rather
    than overwritten."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if row_version is not None and row_version != assessment.row_version:
        raise StaleAssessment(
            _("Quelqu'un a enregistré cette évaluation entre-temps : rechargez la page."),
            code="stale",
        )
    if assessment.kind == AssessmentKind.SELF and (
        assessment.is_submitted or not assessment.project.is_draft
    ):
        raise ValidationError(
            _("Le projet est déposé : son auto-évaluation ne change plus."), code="locked"
        )
    criteria = {c.pk: c for c in Criterion.objects.filter(version_id=assessment.grid_version_id)}
    errors = []
    for criterion_id, (value, _comment) in scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            errors.append(_("Critère inconnu pour cette version de la grille."))
        elif value is None and not criterion.allows_not_applicable:
            errors.append(
                _("%(code)s : « sans objet » n'est pas possible pour ce critère.")
                % {"code": criterion.code}
            )
        elif value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            errors.append(
                _("%(code)s : la note doit être comprise entre %(min)s et %(max)s.")
                % {"code": criterion.code, "min": criterion.scale_min, "max": criterion.scale_max}
            )
    if errors:
        raise ValidationError(errors, code="scores")
    existing = {score.criterion_id: score for score in assessment.scores.all()}
    to_create, to_update = [], []
    for criterion_id, (value, comment) in scores.items():
        criterion = criteria[criterion_id]
        score = existing.get(criterion_id)
        if score is None:
            to_create.append(
                Score(
                    assessment=assessment,
                    criterion=criterion,
                    value=value,
                    comment=comment,
                    scale_min=criterion.scale_min,
                    scale_max=criterion.scale_max,
                )
            )
        else:
            score.value, score.comment = value, comment
            to_update.append(score)
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["value", "comment"])
    # The totals of exactly what was just written (check_assessment_totals proves them).
    values = {criterion_id: score.value for criterion_id, score in existing.items()}
    values.update({criterion_id: value for criterion_id, (value, _c) in scores.items()})
    assessment_recompute(assessment=assessment, criteria=criteria.values(), values=values)
    assessment.row_version += 1
    assessment.save()
    return assessment


def _unanswered(criteria, answered: set[int]) -> list[str]:
    """Problems of an assessment whose answered criteria are `answered`: each criterion needs
    a level, or "sans objet" where allowed."""
    missing = [
        criterion.code
        for criterion in sorted(criteria, key=lambda c: (c.position, c.code))
        if criterion.pk not in answered
    ]
    if missing:
        return [
            _("Auto-évaluation incomplète : critères sans réponse %(codes)s.")
            % {"codes": ", ".join(missing)}
        ]
    return []


def self_assessment_problems(assessment: Assessment) -> list[str]:
    """Criteria still unanswered: each needs a level, or "sans objet" where allowed."""
    # A score row exists once the criterion is answered; NULL in it is an explicit "sans objet".
    return _unanswered(
        Criterion.objects.filter(version_id=assessment.grid_version_id),
        set(assessment.scores.values_list("criterion_id", flat=True)),
    )


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by: User, now=None) -> Assessment:
    """Mark a complete assessment as submitted, its totals recomputed from its scores."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    problems = self_assessment_problems(assessment)
    if problems:
        raise ValidationError(problems, code="incomplete")
    assessment_recompute(assessment=assessment)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now or timezone.now()
    assessment.row_version += 1
    assessment.save()
    return assessment


def stored_totals_match(assessment: Assessment) -> bool:
    """Invariant: the stored totals equal a fresh computation from the raw scores."""
    fresh = assessment_recompute(assessment=Assessment.objects.get(pk=assessment.pk))
    return (fresh.total, fresh.core_total, fresh.scored_count, Decimal(fresh.coverage)) == (
        assessment.total,
        assessment.core_total,
        assessment.scored_count,
        Decimal(assessment.coverage),
    )


# --- Reviewing ------------------------------------------------------------------------------

REVIEW_FIELDS = ("opinion", "strengths", "weaknesses", "recommended_amount")


def comment_required(criterion, value: int | None) -> bool:
    """A low score must be justified: at the scale's minimum or under the criterion's threshold."""
    if value is None:
        return False
    return value == criterion.scale_min or (
        criterion.threshold is not None and value < criterion.threshold
    )


def review_problems(assessment: Assessment) -> list[str]:
    """What prevents submitting a review: unanswered criteria, unjustified low scores, no
    overall opinion."""
    criteria = {c.pk: c for c in Criterion.objects.filter(version_id=assessment.grid_version_id)}
    scores = list(assessment.scores.all())
    problems = [
        message.replace(_("Auto-évaluation incomplète"), _("Évaluation incomplète"))
        for message in _unanswered(criteria.values(), {score.criterion_id for score in scores})
    ]
    unjustified = sorted(
        criteria[score.criterion_id].code
        for score in scores
        if comment_required(criteria[score.criterion_id], score.value) and not score.comment.strip()
    )
    if unjustified:
        problems.append(
            _("Justifiez les notes basses : %(codes)s.") % {"codes": ", ".join(unjustified)}
        )
    if not assessment.opinion:
        problems.append(_("Donnez un avis global."))
    return problems


def _active_assignment(project: Project, reviewer: User) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update().filter(project=project, reviewer=reviewer).first()
    )
    if assignment is None or assignment.state not in ACTIVE_ASSIGNMENT_STATES:
        raise ValidationError(_("Ce projet ne vous est pas (ou plus) assigné."), code="assignment")
    return assignment


@transaction.atomic
def review_save(
    *,
    project: Project,
    by: User,
    scores: Mapping[int, tuple[int | None, str]],
    fields: Mapping,
    row_version: int | None,
    assessment: Assessment | None,
    now=None,
) -> Assessment:
    """Save a reviewer's scores and overall opinion, and submit them when `submit`.

    `assessment` is the review the form was loaded with (None: there was none yet, and one is
    created; if a concurrent request created it first, the unique constraint refuses the second
    one and the refusal is explained). `row_version` refuses a save over someone else's (or the
    same person's other tab's) newer save. A submitted review stays editable while the call is
    in review; it is re-submitted, never turned back into a draft."""
    if project.call.status != CallStatus.REVIEW:
        raise ValidationError(_("L'appel n'est pas en évaluation : les notes sont figées."))
    _active_assignment(project, by)
    if assessment is None:
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    project=project,
                    author=by,
                    kind=AssessmentKind.REVIEW,
                    grid_version_id=project.call.grid_version_id,
                )
        except IntegrityError:
            raise ValidationError(
                _(
                    "Cette évaluation a déjà été créée (double envoi ou autre onglet) : "
                    "vérifiez la version enregistrée avant de renvoyer vos notes."
                ),
                code="duplicate",
            ) from None
        row_version = assessment.row_version
    elif row_version is None:
        # A form loaded before the first save, posted after it: as stale as any other.
        row_version = 0
    assessment = assessment_save_scores(
        assessment=assessment, scores=scores, by=by, row_version=row_version
    )
    for name in REVIEW_FIELDS:
        if name in fields:
            setattr(assessment, name, fields[name] if fields[name] is not None else "")
    if assessment.recommended_amount == "":
        assessment.recommended_amount = None
    # Totals may be empty (nothing scored yet): they are computed, not typed. The check
    # constraints are the database's to enforce; the fields' own validation is enough here.
    assessment.full_clean(
        exclude=["project", "author", "grid_version", "total", "core_total"],
        validate_constraints=False,
    )
    if assessment.is_submitted:
        # An edit must not leave a submitted review incomplete: refused as a whole. Its totals
        # were just recomputed from the scores saved above; it is re-submitted as it stands.
        problems = review_problems(assessment)
        if problems:
            raise ValidationError(problems, code="incomplete")
        assessment.submitted_at = now or timezone.now()
    assessment.save()
    return assessment


@transaction.atomic
def review_submit(*, assessment: Assessment, by: User, now=None) -> Assessment:
    """Submit a complete review and mark the assignment done. Refusals leave the saved draft
    as it is."""
    assessment = Assessment.objects.select_related("project__call").get(pk=assessment.pk)
    if assessment.author_id != by.pk or assessment.kind != AssessmentKind.REVIEW:
        raise ValidationError(_("Seul son auteur soumet une évaluation."))
    if assessment.project.call.status != CallStatus.REVIEW:
        raise ValidationError(_("L'appel n'est pas en évaluation : les notes sont figées."))
    assignment = _active_assignment(assessment.project, by)
    problems = review_problems(assessment)
    if problems:
        raise ValidationError(problems, code="incomplete")
    assessment = assessment_submit(assessment=assessment, by=by, now=now)
    assignment.state = AssignmentState.DONE
    assignment.save(update_fields=["state"])
    return assessment


@transaction.atomic
def assignment_declare_conflict(*, assignment: Assignment, reason: str, by: User) -> Assignment:
    """The reviewer declares a conflict of interest: the project leaves their list and their
    assessment leaves every aggregate."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Expliquez la nature du conflit d'intérêts.")})
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.reviewer_id != by.pk:
        raise ValidationError(_("Seul l'évaluateur assigné peut déclarer un conflit."))
    before = assignment.state
    assignment.state = AssignmentState.CONFLICT
    assignment.conflict_reason = reason[:2000]
    assignment.save(update_fields=["state", "conflict_reason"])
    audit_record(
        actor=by,
        action="assignment.conflict",
        obj=assignment,
        before={"state": before},
        after={"state": assignment.state, "reason": assignment.conflict_reason},
    )
    return assignment


@transaction.atomic
def assignment_recuse(*, assignment: Assignment, by: User) -> Assignment:
    """A call manager withdraws a reviewer from a project; their assessment stops counting."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    before = assignment.state
    assignment.state = AssignmentState.RECUSED
    assignment.save(update_fields=["state"])
    audit_record(
        actor=by,
        action="assignment.recuse",
        obj=assignment,
        before={"state": before},
        after={"state": assignment.state},
    )
    return assignment


def _send_assignment_emails(reviewer_ids: Iterable[int], call: Call) -> None:
    recipients = list(User.objects.filter(pk__in=set(reviewer_ids)).values_list("email", flat=True))
    subject = _("Évalis : de nouveaux projets à évaluer")
    body = _(
        "Bonjour,\n\nDes projets de l'appel « %(call)s » vous ont été confiés. "
        "Retrouvez-les dans votre liste « À évaluer » sur Évalis.\n"
    ) % {"call": call.title}
    for email in recipients:
        send_mail(subject, body, None, [email])


def _eligible(project: Project, reviewer: User, member_org_ids: Mapping[int, set[int]]) -> bool:
    return project.organisation_id not in member_org_ids.get(reviewer.pk, set())


def _member_organisations(reviewers) -> dict[int, set[int]]:
    result: dict[int, set[int]] = {}
    for user_id, organisation_id in Membership.objects.filter(
        user__in=[reviewer.pk for reviewer in reviewers]
    ).values_list("user_id", "organisation_id"):
        result.setdefault(user_id, set()).add(organisation_id)
    return result


@transaction.atomic
def assignments_create(*, call: Call, pairs: Iterable[tuple[Project, User]], by: User) -> int:
    """Assign reviewers by hand or in bulk: each (project, reviewer) pair of the call, skipping
    existing pairs and refusing members of the project's organisation. Returns how many were
    created; reviewers are emailed after commit."""
    pairs = [(p, r) for p, r in pairs if p.call_id == call.pk]
    member_orgs = _member_organisations({r for _p, r in pairs})
    refused = sorted({str(r) for p, r in pairs if not _eligible(p, r, member_orgs)})
    if refused:
        raise ValidationError(
            _("Membre de la structure porteuse, ne peut pas évaluer ce projet : %(names)s.")
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
    Assignment.objects.bulk_create(new)
    call.reviewers.add(*{a.reviewer for a in new})
    reviewer_ids = [a.reviewer_id for a in new]
    if reviewer_ids:
        transaction.on_commit(lambda: _send_assignment_emails(reviewer_ids, call))
    return len(new)


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
def assignments_auto(*, call: Call, per_project: int, by: User) -> int:
    """Give every submitted project of the call `per_project` active reviewers from the pool.

    Load comes first (max − min ≤ 1 whenever the exclusions allow it): among the least loaded
    eligible reviewers, one from the project's département, then région, is preferred. Members
    of the project's organisation and reviewers already assigned (even in conflict or recused)
    are never chosen. Returns how many assignments were created."""
    if per_project < 1:
        raise ValidationError(_("Indiquez au moins un évaluateur par projet."))
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
    reviewer_ids = [a.reviewer_id for a in new]
    if reviewer_ids:
        transaction.on_commit(lambda: _send_assignment_emails(reviewer_ids, call))
    return len(new)


# --- Reviewer pool and invitations ----------------------------------------------------------

INVITATION_SALT = "projects.reviewer-invitation"
INVITATION_MAX_AGE = 30 * 24 * 3600


def invitation_token(invitation: ReviewerInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> ReviewerInvitation | None:
    """The pending invitation a signed token designates, or None (forged, expired, used)."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        ReviewerInvitation.objects.select_related("call__funder")
        .filter(pk=data.get("i"), email=data.get("e"), accepted_at__isnull=True)
        .first()
    )


@transaction.atomic
def reviewer_pool_add(*, call: Call, email: str, by: User, accept_url) -> str:
    """Add a reviewer to the call's pool by email: an existing reviewer joins at once; anyone
    else receives an invitation link (`accept_url(token)` builds its address). Returns
    "added" or "invited"."""
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is not None and Role.REVIEWER in user.roles:
        call.reviewers.add(user)
        return "added"
    invitation = ReviewerInvitation.objects.create(call=call, email=email, invited_by=by)
    link = accept_url(invitation_token(invitation))
    subject = _("Évalis : invitation à évaluer des projets")
    body = _(
        "Bonjour,\n\n%(funder)s vous invite à évaluer les projets de l'appel « %(call)s ».\n"
        "Acceptez l'invitation en suivant ce lien (valable 30 jours) :\n%(link)s\n"
    ) % {"funder": call.funder.name, "call": call.title, "link": link}
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return "invited"


@transaction.atomic
def reviewer_pool_remove(*, call: Call, reviewer: User, by: User) -> None:
    """Leave the pool; existing assignments stay (recuse them to withdraw the reviewer)."""
    call.reviewers.remove(reviewer)


@transaction.atomic
def invitation_accept(
    *, invitation: ReviewerInvitation, user: User | None, full_name: str = "", password: str = ""
) -> User:
    """Accept an invitation: the signed-in user, or a new account created for the invited
    address, becomes a reviewer of the call's funder and joins the call's pool."""
    invitation = ReviewerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Cette invitation a déjà été acceptée."))
    # A forwarded link must not enrol whoever happens to be signed in.
    if user is not None and user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("Cette invitation est adressée à %(email)s : connectez-vous avec cette adresse.")
            % {"email": invitation.email}
        )
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("Un compte existe déjà pour cette adresse : connectez-vous puis rouvrez le lien.")
            )
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
    Membership.objects.get_or_create(
        user=user, organisation=invitation.call.funder, role=Role.REVIEWER
    )
    invitation.call.reviewers.add(user)
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return user


# --- Decisions ------------------------------------------------------------------------------

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
    if project.call.status not in (CallStatus.REVIEW, CallStatus.DECIDED):
        raise ValidationError(_("On décide une fois l'appel en évaluation."))
    if project.status in (ProjectStatus.DRAFT, ProjectStatus.WITHDRAWN):
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
    subject = _("Évalis : décision sur votre projet « %(title)s »") % {"title": project.title}
    body = _(
        "Bonjour,\n\nLa décision sur votre projet « %(title)s » est disponible sur Évalis : "
        "%(outcome)s.\n"
    ) % {"title": project.title, "outcome": Outcome(outcome).label}
    transaction.on_commit(lambda: send_mail(subject, body, None, emails))
    return decision
