"""Thin views: fetch through selectors, ask a predicate, call a service, render."""

import functools

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organisation, Role, User
from grid.selectors import grid_version_detail, version_summary
from projects import selectors, services
from projects.forms import (
    AssessmentForm,
    AttachmentForm,
    AutoAssignForm,
    CallFilterForm,
    CallForm,
    CoHolderForm,
    ConflictForm,
    DecisionForm,
    InvitationAcceptForm,
    PoolAddForm,
    ProjectForm,
    ReviewForm,
)
from projects.models import (
    Assignment,
    Attachment,
    Call,
    CallStatus,
    Decision,
    Project,
    ProjectStatus,
    SelfAssessmentPolicy,
)
from projects.rules import organisation_ids
from projects.scoring import summarise


class Denied(Exception):
    pass


def allowed(request, perm: str, obj=None) -> bool:
    """The predicate's answer. `rules.has_perm` rather than `user.has_perm`: Django lets
    superusers pass every `user.has_perm`, but administrators must not, say, edit a holder's
    project; the predicates say where they are allowed (`is_administrator`)."""
    return rules.has_perm(perm, request.user, obj)


def require(request, perm: str, obj=None) -> None:
    """Anonymous visitors go to the login page; signed-in users without the permission get 403."""
    if not allowed(request, perm, obj):
        if not request.user.is_authenticated:
            raise Denied
        raise PermissionDenied


def guarded(view):
    """Turn `Denied` into a redirection to the login page, keeping the requested address."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Denied:
            return redirect_to_login(request.get_full_path())

    return wrapper


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Public calls ---------------------------------------------------------------------------


def call_list(request):
    """Open calls, filterable by région or département."""
    form = CallFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    calls = selectors.calls_open(
        region=filters.get("region"), departement=filters.get("departement")
    )
    return render(
        request,
        "projects/call_list.html",
        {"form": form, "calls": calls, "now": timezone.now()},
    )


@guarded
def call_detail(request, pk):
    """A call's page with its territory, dates and grid. Drafts: their funder and admins only."""
    call = get_object_or_404(Call.objects.select_related("funder", "grid_version"), pk=pk)
    require(request, "projects.view_call", call)
    version = grid_version_detail(version_id=call.grid_version_id)
    can_apply = (
        allowed(request, "projects.apply_call", call)
        and call.status == CallStatus.OPEN
        and call.closes_at > timezone.now()
    )
    return render(
        request,
        "projects/call_detail.html",
        {
            "call": call,
            "version": version,
            "summary": version_summary(version),
            "can_apply": can_apply,
            "own_projects": selectors.projects_for_holder(user=request.user).filter(call=call)
            if can_apply
            else [],
            "can_manage": allowed(request, "projects.manage_call", call),
        },
    )


# --- Funders --------------------------------------------------------------------------------


@guarded
@login_required
def funder_call_list(request):
    require(request, "projects.list_calls")
    calls = selectors.calls_for_funder(user=request.user)
    return render(
        request,
        "projects/call_manage_list.html",
        {"calls": calls, "can_create": allowed(request, "projects.add_call")},
    )


def _funder_organisation(user):
    ids = organisation_ids(user, Role.FUNDER)
    return user.memberships.filter(organisation_id__in=ids).select_related("organisation").first()


@guarded
@login_required
def call_create(request):
    require(request, "projects.add_call")
    membership = _funder_organisation(request.user)
    if membership is None:
        messages.error(request, _("Seul un membre d'un financeur peut créer un appel."))
        return redirect("projects:funder_call_list")
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(
                funder=membership.organisation, by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'appel est créé en brouillon."))
            return redirect("projects:call_manage", pk=call.pk)
    return render(request, "projects/call_form.html", {"form": form})


@guarded
@login_required
def call_edit(request, pk):
    call = get_object_or_404(Call, pk=pk)
    require(request, "projects.change_call", call)
    form = CallForm(request.POST or None, instance=Call.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        if not call.is_draft:
            data.pop("eligibility", None)
        try:
            services.call_update(call=call, by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'appel est enregistré."))
            return redirect("projects:call_manage", pk=call.pk)
    return render(request, "projects/call_form.html", {"form": form, "call": call})


@guarded
@login_required
def call_manage(request, pk):
    """The funder's page of a call: status, lifecycle actions and submitted projects."""
    call = get_object_or_404(
        Call.objects.select_related("funder", "grid_version__grid").prefetch_related(
            "regions", "departements", "eligibility_items"
        ),
        pk=pk,
    )
    require(request, "projects.manage_call", call)
    next_status = services.NEXT_STATUS.get(call.status)
    return render(
        request,
        "projects/call_manage.html",
        {
            "call": call,
            "projects": selectors.call_projects(call=call),
            "next_status": next_status,
            "next_label": CallStatus(next_status).label if next_status else "",
            "can_change": allowed(request, "projects.change_call", call),
        },
    )


@guarded
@login_required
@require_POST
def call_transition(request, pk):
    call = get_object_or_404(Call, pk=pk)
    require(request, "projects.change_call", call)
    try:
        services.call_transition(call=call, to=request.POST.get("to", ""), by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Le statut de l'appel a changé."))
    return redirect("projects:call_manage", pk=call.pk)


# --- Holders --------------------------------------------------------------------------------


@guarded
@login_required
def project_list(request):
    """The holder's space: the projects of their organisations with their status."""
    require(request, "projects.list_projects")
    projects = selectors.projects_for_holder(user=request.user)
    return render(request, "projects/project_list.html", {"projects": projects})


@guarded
@login_required
def project_create(request, call_pk):
    call = get_object_or_404(Call, pk=call_pk)
    require(request, "projects.apply_call", call)
    organisations = Organisation.objects.filter(
        pk__in=organisation_ids(request.user, Role.HOLDER)
    ).order_by("name")
    if not organisations:
        raise PermissionDenied
    form = ProjectForm(request.POST or None, call=call, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # A holder of several organisations says which one carries the project.
        organisation = data.pop("organisation", None) or organisations[0]
        try:
            project = services.project_create(
                call=call, organisation=organisation, owner=request.user, **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le brouillon est enregistré."))
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "call": call},
    )


def _project(request, pk, perm):
    try:
        project = selectors.project_detail(pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None
    require(request, perm, project)
    return project


def _locked(request, project):
    """A submitted project no longer changes: say so rather than show a form that will fail."""
    if project.is_draft:
        return None
    messages.info(
        request,
        _("Le projet est « %(status)s » : il ne peut plus être modifié.")
        % {"status": project.get_status_display()},
    )
    return redirect("projects:project_detail", pk=project.pk)


@guarded
@login_required
def project_detail(request, pk):
    project = _project(request, pk, "projects.view_project")
    assessment = selectors.self_assessment_of(project)
    chart = summary = None
    if assessment is not None:
        chart = selectors.self_assessment_chart(assessment=assessment)
        summary = summarise(
            assessment.grid_version.criteria.all(),
            {score.criterion_id: score.value for score in assessment.scores.all()},
        )
    can_edit = allowed(request, "projects.change_project", project)
    is_call_manager = allowed(request, "projects.manage_call", project.call)
    decision = Decision.objects.filter(project=project).first()
    # Holders learn the decision once the call is decided; its managers see it at once.
    if not is_call_manager and project.call.status != CallStatus.DECIDED:
        decision = None
    comments, figures = selectors.project_feedback(project=project) if decision else ([], {})
    if chart:
        chart = [(row, figures.get(row.code)) for row in chart]
    return render(
        request,
        "projects/project_detail.html",
        {
            "decision": decision,
            "feedback_comments": comments if not is_call_manager else [],
            "reviewer_means": bool(figures),
            "can_decide": allowed(request, "projects.decide_project", project)
            and project.call.status in (CallStatus.REVIEW, CallStatus.DECIDED)
            and not project.is_draft
            and project.status != ProjectStatus.WITHDRAWN,
            "project": project,
            "assessment": assessment,
            "chart": chart,
            "summary": summary,
            "can_edit": can_edit and project.is_draft,
            "can_withdraw": can_edit
            and project.status in (ProjectStatus.SUBMITTED, ProjectStatus.UNDER_REVIEW),
            "can_manage_coholders": allowed(request, "projects.manage_coholders", project),
            "is_call_manager": is_call_manager,
            "problems": services.project_submission_problems(project)
            if can_edit and project.is_draft
            else [],
            "attachment_form": AttachmentForm(),
        },
    )


@guarded
@login_required
def project_edit(request, pk):
    project = _project(request, pk, "projects.change_project")
    if locked := _locked(request, project):
        return locked
    form = ProjectForm(request.POST or None, instance=project, call=project.call)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le brouillon est enregistré."))
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "call": project.call, "project": project},
    )


@guarded
@login_required
def project_submit(request, pk):
    """GET: what is still missing; POST: submit."""
    project = _project(request, pk, "projects.change_project")
    if request.method == "POST":
        try:
            services.project_submit(project=project, by=request.user)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Votre projet est déposé. Merci !"))
            return redirect("projects:project_detail", pk=project.pk)
    problems = services.project_submission_problems(project)
    return render(
        request, "projects/project_submit.html", {"project": project, "problems": problems}
    )


@guarded
@login_required
def project_withdraw(request, pk):
    project = _project(request, pk, "projects.change_project")
    if request.method == "POST":
        try:
            services.project_withdraw(project=project, by=request.user)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Le projet est retiré de l'appel."))
        return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/project_withdraw.html", {"project": project})


@guarded
@login_required
def attachment_upload(request, pk):
    project = _project(request, pk, "projects.change_project")
    if locked := _locked(request, project):
        return locked
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(
                project=project, uploaded_file=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("La pièce jointe est ajoutée."))
            return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/attachment_form.html", {"form": form, "project": project})


@guarded
@login_required
def attachment_download(request, pk):
    """Only through here, after the project's permission; always as a download."""
    attachment = get_object_or_404(Attachment.objects.select_related("project__call"), pk=pk)
    require(request, "projects.view_project", attachment.project)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@guarded
@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("project"), pk=pk)
    require(request, "projects.change_project", attachment.project)
    try:
        services.attachment_delete(attachment=attachment, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("La pièce jointe est supprimée."))
    return redirect("projects:project_detail", pk=attachment.project_id)


@guarded
@login_required
def project_coholders(request, pk):
    project = _project(request, pk, "projects.manage_coholders")
    form = CoHolderForm(request.POST or None)
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            user = get_object_or_404(User, pk=remove)
            services.project_remove_co_holder(project=project, user=user, by=request.user)
            messages.success(request, _("%(name)s n'est plus co-porteur.") % {"name": user})
            return redirect("projects:project_coholders", pk=project.pk)
        if form.is_valid():
            try:
                colleague = services.project_add_co_holder(
                    project=project, email=form.cleaned_data["email"], by=request.user
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(
                    request, _("%(name)s peut maintenant modifier le projet.") % {"name": colleague}
                )
                return redirect("projects:project_coholders", pk=project.pk)
    return render(
        request,
        "projects/project_coholders.html",
        {"project": project, "form": form, "co_holders": project.co_holders.all()},
    )


@guarded
@login_required
def self_assessment_edit(request, pk):
    """The holder's self-assessment: the shared assessment form on the call's grid version."""
    project = _project(request, pk, "projects.change_project")
    if locked := _locked(request, project):
        return locked
    if project.call.self_assessment_policy == SelfAssessmentPolicy.OFF:
        messages.info(request, _("Cet appel ne prévoit pas d'auto-évaluation."))
        return redirect("projects:project_detail", pk=project.pk)
    # Created on the first save only: reading the form never writes.
    assessment = project.assessments.self_assessments().first()
    criteria = services.version_criteria(project.call.grid_version_id)
    form = AssessmentForm(request.POST or None, criteria=criteria, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            if assessment is None:
                assessment = services.self_assessment_get_or_create(
                    project=project, by=request.user
                )
            services.assessment_save_scores(
                assessment=assessment,
                scores=form.scores(),
                by=request.user,
                row_version=form.cleaned_data.get("row_version"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'auto-évaluation est enregistrée."))
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request,
        "projects/assessment_form.html",
        {
            "project": project,
            "form": form,
            "assessment": assessment,
            "summary": summarise(
                criteria,
                {score.criterion_id: score.value for score in assessment.scores.all()}
                if assessment
                else {},
            ),
        },
    )


@guarded
@login_required
@require_POST
def self_assessment_total(request, pk):
    """htmx partial: the total of the answers being typed, never saved. Same scoring function
    as the stored totals; the page works without it."""
    project = _project(request, pk, "projects.change_project")
    criteria = services.version_criteria(project.call.grid_version_id)
    form = AssessmentForm(request.POST, criteria=criteria)
    form.is_valid()  # invalid choices are simply left out of the running total
    values = {criterion_id: value for criterion_id, (value, _c) in form.scores().items()}
    summary = summarise(criteria, values)
    return render(request, "projects/_assessment_total.html", {"summary": summary})


# --- Reviewers ------------------------------------------------------------------------------


@guarded
@login_required
def review_list(request):
    """The reviewer's list "à évaluer", with the status of each of their reviews."""
    require(request, "projects.list_reviews")
    assignments = list(selectors.reviewer_assignments(user=request.user))
    for assignment in assignments:
        assignment.status = selectors.review_status(assignment)
        assignment.status_label = selectors.REVIEW_STATUS_LABELS[assignment.status]
    active = [a for a in assignments if a.status != selectors.ReviewStatus.CONFLICT]
    return render(
        request,
        "projects/review_list.html",
        {
            "assignments": active,
            "conflicts": [a for a in assignments if a.status == selectors.ReviewStatus.CONFLICT],
            "done_count": sum(1 for a in active if a.status == selectors.ReviewStatus.SUBMITTED),
        },
    )


def _review_project(request, pk, perm="projects.view_review") -> Project:
    try:
        project = selectors.project_for_review(pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None
    require(request, perm, project)
    return project


def _own_review(project, user):
    return (
        project.assessments.reviews()
        .filter(author=user)
        .prefetch_related("scores")
        .select_related("grid_version")
        .first()
    )


def _stale_rows(form, criteria, saved):
    """Both versions, side by side, of the criteria where the saved review differs from what
    the reviewer typed: nothing is overwritten silently, nothing typed is lost."""
    saved_scores = {s.criterion_id: s for s in saved.scores.all()}
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


@guarded
@login_required
def review_edit(request, pk):
    """The scoring form. "Enregistrer" saves a draft; "Soumettre" saves, then submits. Read-only
    outside the review period."""
    project = _review_project(request, pk)
    call = project.call
    can_score = allowed(request, "projects.review_project", project)
    assessment = _own_review(project, request.user)
    criteria = services.version_criteria(call.grid_version_id)
    form = ReviewForm(request.POST or None, criteria=criteria, assessment=assessment)
    stale = None
    if request.method == "POST":
        if not can_score:
            raise PermissionDenied
        if form.is_valid():
            try:
                assessment = services.review_save(
                    project=project,
                    by=request.user,
                    scores=form.scores(),
                    fields=form.review_fields(),
                    row_version=form.cleaned_data.get("row_version"),
                    assessment=assessment,
                )
                if request.POST.get("action") == "submit" and not assessment.is_submitted:
                    services.review_submit(assessment=assessment, by=request.user)
            except services.StaleAssessment as error:
                assessment = _own_review(project, request.user)
                stale = {"rows": _stale_rows(form, criteria, assessment), "saved": assessment}
                # The next post deliberately replaces the saved version.
                form.data = form.data.copy()
                form.data["row_version"] = assessment.row_version
                form.add_error(None, error)
            except ValidationError as error:
                assessment = _own_review(project, request.user)
                if assessment is not None and getattr(error, "code", None) != "duplicate":
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
    show_others = selectors.others_visible(call=call, own_submitted=own_submitted)
    if form.is_bound and hasattr(form, "cleaned_data"):
        # The total of what was typed, so that a refused form shows the same number.
        values = {cid: value for cid, (value, _c) in form.scores().items()}
    else:
        values = {s.criterion_id: s.value for s in assessment.scores.all()} if assessment else {}
    summary = summarise(criteria, values)
    return render(
        request,
        "projects/review_form.html",
        {
            "project": project,
            "call": call,
            "blind": call.blind_mode,
            "form": form,
            "assessment": assessment,
            "summary": summary,
            "can_score": can_score,
            "stale": stale,
            "show_others": show_others,
            "aggregate": selectors.project_aggregate(project=project) if show_others else None,
            "others": selectors.other_reviews(project=project, user=request.user)
            if show_others
            else [],
            "attachments": project.attachments.all(),
        },
    )


@guarded
@login_required
@require_POST
def review_total(request, pk):
    """htmx partial: the running total of the scores being typed (same scoring function)."""
    project = _review_project(request, pk, "projects.review_project")
    criteria = services.version_criteria(project.call.grid_version_id)
    form = AssessmentForm(request.POST, criteria=criteria)
    form.is_valid()
    values = {criterion_id: value for criterion_id, (value, _c) in form.scores().items()}
    return render(
        request, "projects/_assessment_total.html", {"summary": summarise(criteria, values)}
    )


@guarded
@login_required
def review_conflict(request, pk):
    """The reviewer declares a conflict of interest, with its reason."""
    project = _review_project(request, pk, "projects.declare_conflict")
    assignment = get_object_or_404(Assignment, project=project, reviewer=request.user)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_declare_conflict(
                assignment=assignment, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Le conflit d'intérêts est déclaré : le projet quitte votre liste.")
            )
            return redirect("projects:review_list")
    return render(
        request,
        "projects/review_conflict.html",
        {"project": project, "form": form, "blind": project.call.blind_mode},
    )


@guarded
@login_required
def review_attachment(request, pk):
    """A reviewer's download: under a neutral name in blind mode, so that the file name does
    not reveal the holder."""
    attachment = get_object_or_404(Attachment.objects.select_related("project__call"), pk=pk)
    require(request, "projects.view_review", attachment.project)
    name = (
        f"piece-{attachment.pk}.pdf"
        if attachment.project.call.blind_mode
        else attachment.original_name
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Call managers: pool, assignments, decisions ---------------------------------------------


def _managed_call(request, pk) -> Call:
    call = get_object_or_404(Call.objects.select_related("funder", "grid_version"), pk=pk)
    require(request, "projects.manage_call", call)
    return call


@guarded
@login_required
def call_reviewers(request, pk):
    """The call's reviewer pool, its assignments and their progress ("2/3 évaluations")."""
    call = _managed_call(request, pk)
    projects = list(selectors.call_progress(call=call))
    reviewers = list(selectors.reviewer_progress(call=call))
    assignments = list(selectors.call_assignments(call=call))
    by_project: dict[int, list] = {}
    for assignment in assignments:
        by_project.setdefault(assignment.project_id, []).append(assignment)
    for project in projects:
        project.assignment_list = by_project.get(project.pk, [])
    return render(
        request,
        "projects/call_reviewers.html",
        {
            "call": call,
            "projects": projects,
            "reviewers": reviewers,
            "pool_form": PoolAddForm(),
            "auto_form": AutoAssignForm(),
            "invitations": call.invitations.filter(accepted_at__isnull=True),
            "assigned_total": sum(p.assigned_count for p in projects),
            "done_total": sum(p.done_count for p in projects),
        },
    )


@guarded
@login_required
@require_POST
def call_pool(request, pk):
    """Add a reviewer to the pool (or invite them), or remove one."""
    call = _managed_call(request, pk)
    if remove := request.POST.get("remove"):
        reviewer = get_object_or_404(call.reviewers, pk=remove)
        services.reviewer_pool_remove(call=call, reviewer=reviewer, by=request.user)
        messages.success(request, _("%(name)s a quitté le vivier.") % {"name": reviewer})
        return redirect("projects:call_reviewers", pk=call.pk)
    form = PoolAddForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("projects:call_reviewers", pk=call.pk)
    result = services.reviewer_pool_add(
        call=call,
        email=form.cleaned_data["email"],
        by=request.user,
        accept_url=lambda token: request.build_absolute_uri(
            reverse("projects:invitation_accept", kwargs={"token": token})
        ),
    )
    if result == "added":
        messages.success(request, _("L'évaluateur rejoint le vivier de l'appel."))
    else:
        messages.success(request, _("Une invitation est envoyée par e-mail."))
    return redirect("projects:call_reviewers", pk=call.pk)


@guarded
@login_required
@require_POST
def call_assign(request, pk):
    """Assign by hand or in bulk: every checked project × every checked reviewer."""
    call = _managed_call(request, pk)
    projects = list(call.projects.submitted().filter(pk__in=request.POST.getlist("projects")))
    reviewers = list(call.reviewers.filter(pk__in=request.POST.getlist("reviewers")))
    if not projects or not reviewers:
        messages.error(request, _("Cochez au moins un projet et un évaluateur."))
        return redirect("projects:call_reviewers", pk=call.pk)
    try:
        created = services.assignments_create(
            call=call, pairs=[(p, r) for p in projects for r in reviewers], by=request.user
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("%(n)s assignation(s) créée(s).") % {"n": created})
    return redirect("projects:call_reviewers", pk=call.pk)


@guarded
@login_required
@require_POST
def call_assign_auto(request, pk):
    """Balanced automatic assignment: N reviewers per project."""
    call = _managed_call(request, pk)
    form = AutoAssignForm(request.POST)
    if form.is_valid():
        try:
            created = services.assignments_auto(
                call=call, per_project=form.cleaned_data["per_project"], by=request.user
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("%(n)s assignation(s) créée(s).") % {"n": created})
    else:
        messages.error(request, _("Indiquez un nombre d'évaluateurs entre 1 et 10."))
    return redirect("projects:call_reviewers", pk=call.pk)


@guarded
@login_required
@require_POST
def assignment_recuse(request, pk):
    assignment = get_object_or_404(Assignment.objects.select_related("project__call"), pk=pk)
    require(request, "projects.manage_call", assignment.project.call)
    services.assignment_recuse(assignment=assignment, by=request.user)
    messages.success(request, _("L'évaluateur est récusé pour ce projet."))
    return redirect("projects:call_reviewers", pk=assignment.project.call_id)


def invitation_accept(request, token):
    """The link of an invitation email: a signed-in user accepts; anyone else creates their
    account for the invited address."""
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(request, "projects/invitation_accept.html", {"invalid": True}, status=404)
    user = request.user if request.user.is_authenticated else None
    form = None if user else InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and (user or form.is_valid()):
        try:
            services.invitation_accept(
                invitation=invitation,
                user=user,
                **({} if user else form.cleaned_data),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Bienvenue parmi les évaluateurs de l'appel."))
            if user:
                return redirect("projects:review_list")
            return redirect("accounts:login")
    return render(
        request, "projects/invitation_accept.html", {"invitation": invitation, "form": form}
    )


@guarded
@login_required
def decision_edit(request, pk):
    """The call manager records the outcome, the amount granted and the motivation."""
    project = _project(request, pk, "projects.decide_project")
    decision = Decision.objects.filter(project=project).first()
    form = DecisionForm(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La décision est enregistrée."))
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request,
        "projects/decision_form.html",
        {
            "project": project,
            "form": form,
            "aggregate": selectors.project_aggregate(project=project),
        },
    )
