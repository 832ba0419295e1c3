"""Reviewers' pages: their list "à évaluer", the scoring form, conflicts and files."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import allowed, require
from accounts.services import client_ip
from accounts.web import attempt
from grid.selectors import version_criteria
from projects import services
from projects.dashboards import project_aggregate
from projects.forms import (
    AssessmentForm,
    ConflictForm,
    ReviewForm,
    SearchForm,
)
from projects.models import (
    Assignment,
    Attachment,
    Project,
)
from projects.scoring import summarise
from projects.selectors.reviewing import (
    REVIEW_STATUS_LABELS,
    ReviewStatus,
    active_assignment,
    other_reviews,
    own_review,
    project_for_review,
    review_status,
    reviewer_assignments,
)
from projects.selectors.search import search_projects
from projects.views.common import draft_refused, draft_saved, pdf_download, project_or_404


@login_required
def review_list(request):
    """The reviewer's list "à évaluer", with the status of each of their reviews."""
    require(request, "projects.list_reviews")
    assignments = list(reviewer_assignments(user=request.user))
    for assignment in assignments:
        assignment.status = review_status(assignment)
        assignment.status_label = REVIEW_STATUS_LABELS[assignment.status]
    active = [a for a in assignments if a.status != ReviewStatus.CONFLICT]
    search = SearchForm(request.GET or None)
    shown = active
    if query := search.query():
        # The progress line counts every assignment; the search narrows the table only,
        # and never on what blind mode hides.
        found = set(
            search_projects(
                Assignment.objects.filter(reviewer=request.user),
                query,
                path="project__",
                blind_for_reviewer=True,
            ).values_list("pk", flat=True)
        )
        shown = [a for a in active if a.pk in found]
    return render(
        request,
        "projects/reviewing/review_list.html",
        {
            "assignments": shown,
            "total_count": len(active),
            "search": search,
            "conflicts": [a for a in assignments if a.status == ReviewStatus.CONFLICT],
            "done_count": sum(1 for a in active if a.status == ReviewStatus.SUBMITTED),
        },
    )


def _review_project(request, pk, perm="projects.view_review") -> Project:
    return project_or_404(request, pk, perm, read=project_for_review)


def _stale_rows(form, criteria, saved):
    """Both versions, side by side, of the criteria where the saved review differs from what
    the reviewer typed: nothing is overwritten silently, nothing typed is lost."""
    saved_scores = {s.criterion_id: s for s in saved.scores.all()} if saved else {}
    typed = form.scores() if hasattr(form, "cleaned_data") else {}
    rows = []
    for criterion in criteria:
        score = saved_scores.get(criterion.pk)
        mine = typed.get(criterion.pk)
        theirs = (score.value, score.comment) if score else None
        if mine != theirs:
            rows.append(
                {
                    "code": criterion.code,
                    "saved": "—"
                    if theirs is None
                    else (theirs[0] if theirs[0] is not None else _("Sans objet")),
                    "saved_comment": theirs[1] if theirs else "",
                    "typed": "—"
                    if mine is None
                    else (mine[0] if mine[0] is not None else _("Sans objet")),
                    "typed_comment": mine[1] if mine else "",
                }
            )
    return rows


@login_required
def review_edit(request, pk):
    """The scoring form. "Enregistrer" saves a draft; "Soumettre" saves, then submits. Read-only
    outside the review period."""
    project = _review_project(request, pk)
    call = project.call
    assessment = own_review(project=project, user=request.user)
    # The standing assignment the permission read: the page is only a reviewer's of it.
    assignment = active_assignment(project=project, user=request.user)
    locked = services.review_locked(assignment, assessment)
    can_score = allowed(request, "projects.review_project", project) and not locked
    # The review's grid version, read with it, tells whether the cached criteria still hold.
    criteria = version_criteria(
        call.grid_version_id, version=assessment.grid_version if assessment else None
    )
    form = ReviewForm(request.POST or None, criteria=criteria, assessment=assessment)
    stale = None
    if request.method == "POST":
        if locked:
            messages.error(request, services.REVIEW_LOCKED_MESSAGE)
            return redirect("projects:review_edit", pk=project.pk)
        if not can_score:
            raise PermissionDenied
        if form.is_valid():
            saved = False
            try:
                assessment = services.review_save(
                    project=project,
                    by=request.user,
                    scores=form.scores(),
                    fields=form.review_fields(),
                    row_version=form.cleaned_data["row_version"],
                )
                saved = True
                if request.POST.get("action") == "submit" and not assessment.is_submitted:
                    services.review_submit(assessment=assessment, by=request.user)
            except services.StaleAssessment as error:
                assessment = own_review(project=project, user=request.user)
                stale = {"rows": _stale_rows(form, criteria, assessment), "saved": assessment}
                # The next post deliberately replaces the saved version.
                form.data = form.data.copy()
                form.data["row_version"] = (
                    assessment.row_version if assessment else services.NEW_ASSESSMENT
                )
                form.add_error(None, error)
            except ValidationError as error:
                assessment = own_review(project=project, user=request.user)
                if saved:
                    # Saved, then refused as a submission: the form now stands on that save.
                    form.data = form.data.copy()
                    form.data["row_version"] = assessment.row_version
                form.add_error(None, error)
            else:
                if request.POST.get("action") == "submit" or assessment.is_submitted:
                    messages.success(request, _("Votre évaluation est soumise."))
                else:
                    messages.success(request, _("Le brouillon est enregistré."))
                return redirect("projects:review_edit", pk=project.pk)
    if not can_score:
        # Outside the review period the reviewer still reads what they gave, unchangeable.
        for field in form.fields.values():
            field.disabled = True
    own_submitted = bool(assessment and assessment.is_submitted)
    show_others = call.others_visible_to_reviewer(own_submitted=own_submitted)
    if show_others and assignment is not None and assignment.others_seen_at is None:
        services.review_mark_others_seen(project=project, reviewer=request.user)
        if own_submitted:
            locked, can_score = True, False
    if form.is_bound and hasattr(form, "cleaned_data"):
        # The total of what was typed, so that a refused form shows the same number.
        values = {cid: value for cid, (value, _c) in form.scores().items()}
    else:
        values = {s.criterion_id: s.value for s in assessment.scores.all()} if assessment else {}
    summary = summarise(criteria, values)
    return render(
        request,
        "projects/reviewing/review_form.html",
        {
            "project": project,
            "call": call,
            "blind": call.blind_mode,
            "form": form,
            "assessment": assessment,
            "summary": summary,
            "can_score": can_score,
            "can_declare_conflict": allowed(request, "projects.declare_conflict", project),
            "locked": locked,
            "reopened_at": assignment.reopened_at if assignment else None,
            "stale": stale,
            "show_others": show_others,
            "aggregate": project_aggregate(project=project) if show_others else None,
            "others": other_reviews(project=project, user=request.user) if show_others else [],
            # By upload, without the model's ordering (which joins the project to sort).
            "attachments": project.attachments.order_by("uploaded_at", "pk"),
        },
    )


@login_required
@require_POST
def review_total(request, pk):
    """htmx partial: the running total of the scores being typed (same scoring function)."""
    project = _review_project(request, pk, "projects.review_project")
    criteria = version_criteria(project.call.grid_version_id)
    form = AssessmentForm(request.POST, criteria=criteria)
    form.is_valid()
    values = {criterion_id: value for criterion_id, (value, _c) in form.scores().items()}
    return render(
        request,
        "projects/assessments/_assessment_total.html",
        {"summary": summarise(criteria, values)},
    )


@login_required
@require_POST
def review_autosave(request, pk):
    """The draft saved as the reviewer types (the form's script): the same service and row
    version as "Enregistrer le brouillon", without the justification rule, so that a low
    score typed before its justification is kept. A submitted review changes only through
    the form's own button."""
    project = _review_project(request, pk, "projects.review_project")
    assessment = own_review(project=project, user=request.user)
    if assessment is not None and assessment.is_submitted:
        return draft_refused(
            _("Cette évaluation est soumise : enregistrez vos modifications avec le bouton."),
            status=409,
        )
    criteria = version_criteria(project.call.grid_version_id)
    form = ReviewForm(
        request.POST, criteria=criteria, assessment=assessment, require_justifications=False
    )
    if not form.is_valid():
        return draft_refused(form)
    try:
        assessment = services.review_save(
            project=project,
            by=request.user,
            scores=form.scores(),
            fields=form.review_fields(),
            row_version=form.cleaned_data["row_version"],
        )
    except services.StaleAssessment as error:
        return draft_refused(error, status=409)
    except ValidationError as error:
        return draft_refused(error)
    return draft_saved(assessment)


@login_required
def review_conflict(request, pk):
    """The reviewer declares a conflict of interest, with its reason."""
    project = _review_project(request, pk, "projects.declare_conflict")
    assignment = get_object_or_404(Assignment, project=project, reviewer=request.user)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _assignment = attempt(
            request,
            services.assignment_declare_conflict,
            form=form,
            success=_("Le conflit d'intérêts est déclaré : le projet quitte votre liste."),
            assignment=assignment,
            reason=form.cleaned_data["reason"],
            by=request.user,
            ip=client_ip(request),
        )
        if done:
            return redirect("projects:review_list")
    return render(
        request,
        "projects/reviewing/review_conflict.html",
        {"project": project, "form": form, "blind": project.call.blind_mode},
    )


@login_required
def review_attachment(request, pk):
    """A reviewer's download: under a neutral name in blind mode, so that the file name does
    not reveal the holder."""
    attachment = get_object_or_404(Attachment.objects.select_related("project__call"), pk=pk)
    require(request, "projects.view_review", attachment.project)
    if attachment.project.call.blind_mode:
        # Blind mode: a neutral name, and the file rewritten without its metadata (/Author,
        # XMP), which often name the holder.
        with attachment.file.open("rb") as stored:
            try:
                content = services.pdf_without_metadata(stored)
            except services.PdfNotAnonymisable:
                messages.error(
                    request,
                    _(
                        "Cette pièce ne peut pas être anonymisée : elle n'est pas transmise en "
                        "mode anonyme. Signalez-le au financeur."
                    ),
                )
                return redirect("projects:review_edit", pk=attachment.project_id)
        return pdf_download(io.BytesIO(content), f"piece-{attachment.pk}.pdf")
    return pdf_download(attachment.file.open("rb"), attachment.original_name)
