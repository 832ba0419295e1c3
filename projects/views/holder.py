"""Holders' pages: their projects, drafts, submission, attachments, co-holders and
self-assessment. The project page is also the call managers' and administrators'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organisation, Role, User
from accounts.permissions import allowed, require
from accounts.selectors import organisation_ids
from accounts.web import attempt, current_organisation
from grid.selectors import version_criteria
from projects import services
from projects.dashboards import project_feedback
from projects.forms import (
    AssessmentForm,
    AttachmentForm,
    CoHolderForm,
    ProjectForm,
    SearchForm,
    posted_id,
)
from projects.models import (
    Attachment,
    Call,
    Decision,
)
from projects.scoring import summarise
from projects.selectors.search import search_projects
from projects.selectors.submissions import (
    holder_next_step,
    projects_for_holder,
    self_assessment_chart,
    self_assessment_of,
)
from projects.views.common import draft_refused, draft_saved, pdf_download, project_or_404


@login_required
def project_list(request):
    """The holder's space: the projects of their organisations with their status."""
    require(request, "projects.list_projects")
    search = SearchForm(request.GET or None)
    projects = list(search_projects(projects_for_holder(user=request.user), search.query()))
    for project in projects:
        project.next_step = holder_next_step(project)
    return render(
        request,
        "projects/submissions/project_list.html",
        {"projects": projects, "search": search},
    )


@login_required
def project_create(request, call_pk):
    call = get_object_or_404(Call, pk=call_pk)
    require(request, "projects.apply_call", call)
    organisations = Organisation.objects.filter(
        pk__in=organisation_ids(request.user, Role.HOLDER)
    ).order_by("name")
    if not organisations:
        raise PermissionDenied
    # A holder of several organisations says which one carries the project; the one they
    # work for now (accounts:organisation_switch) is proposed.
    current = current_organisation(request, Role.HOLDER)
    form = ProjectForm(
        request.POST or None,
        call=call,
        organisations=organisations,
        initial={"organisation": current.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation", None) or current
        done, project = attempt(
            request,
            services.project_create,
            form=form,
            success=_("Le brouillon est enregistré."),
            call=call,
            organisation=organisation,
            owner=request.user,
            **data,
        )
        if done:
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request,
        "projects/submissions/project_form.html",
        {"form": form, "call": call},
    )


def _locked(request, project):
    """A submitted project no longer changes: say so rather than show a form that will fail."""
    if project.is_draft:
        return None
    messages.info(
        request,
        _("Le projet est « %(status)s » : il ne peut plus être modifié.")
        % {"status": project.get_status_display()},
    )
    return redirect("projects:project_detail", pk=project.pk)


@login_required
def project_detail(request, pk):
    project = project_or_404(request, pk, "projects.view_project")
    assessment = self_assessment_of(project)
    chart = summary = None
    if assessment is not None:
        chart = self_assessment_chart(assessment=assessment)
        summary = summarise(
            assessment.grid_version.criteria.all(),
            {score.criterion_id: score.value for score in assessment.scores.all()},
        )
    can_edit_draft = allowed(request, "projects.edit_project_draft", project)
    is_call_manager = allowed(request, "projects.manage_call", project.call)
    decision = (
        Decision.objects.filter(project=project).first()
        if allowed(request, "projects.view_decision", project)
        else None
    )
    comments, figures = project_feedback(project=project) if decision else ([], {})
    if chart:
        chart = [(row, figures.get(row.code)) for row in chart]
    return render(
        request,
        "projects/submissions/project_detail.html",
        {
            "decision": decision,
            "feedback_comments": comments if not is_call_manager else [],
            "reviewer_means": bool(figures),
            "can_decide": allowed(request, "projects.decide_project", project),
            "project": project,
            "assessment": assessment,
            "chart": chart,
            "summary": summary,
            "can_edit": can_edit_draft,
            "can_withdraw": allowed(request, "projects.withdraw_project", project),
            "can_manage_coholders": allowed(request, "projects.manage_coholders", project),
            "is_call_manager": is_call_manager,
            "gaps": services.project_submission_gaps(project) if can_edit_draft else [],
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
def project_edit(request, pk):
    project = project_or_404(request, pk, "projects.change_project")
    if locked := _locked(request, project):
        return locked
    form = ProjectForm(request.POST or None, instance=project, call=project.call)
    if request.method == "POST" and form.is_valid():
        done, _project = attempt(
            request,
            services.project_update,
            form=form,
            success=_("Le brouillon est enregistré."),
            project=project,
            by=request.user,
            **form.cleaned_data,
        )
        if done:
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request,
        "projects/submissions/project_form.html",
        {"form": form, "call": project.call, "project": project},
    )


@login_required
def project_submit(request, pk):
    """GET: what is still missing; POST: submit."""
    project = project_or_404(request, pk, "projects.change_project")
    if request.method == "POST":
        done, _project = attempt(
            request,
            services.project_submit,
            success=_("Votre projet est déposé. Merci !"),
            project=project,
            by=request.user,
        )
        if done:
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request,
        "projects/submissions/project_submit.html",
        {"project": project, "gaps": services.project_submission_gaps(project)},
    )


@login_required
def project_withdraw(request, pk):
    project = project_or_404(request, pk, "projects.change_project")
    if request.method == "POST":
        attempt(
            request,
            services.project_withdraw,
            success=_("Le projet est retiré de l'appel."),
            project=project,
            by=request.user,
        )
        return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/submissions/project_withdraw.html", {"project": project})


@login_required
def attachment_upload(request, pk):
    project = project_or_404(request, pk, "projects.change_project")
    if locked := _locked(request, project):
        return locked
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done, _attachment = attempt(
            request,
            services.attachment_add,
            form=form,
            field="file",
            success=_("La pièce jointe est ajoutée."),
            project=project,
            uploaded_file=form.cleaned_data["file"],
            by=request.user,
        )
        if done:
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request, "projects/submissions/attachment_form.html", {"form": form, "project": project}
    )


@login_required
def attachment_download(request, pk):
    """Only through here, after the project's permission; always as a download."""
    attachment = get_object_or_404(Attachment.objects.select_related("project__call"), pk=pk)
    require(request, "projects.view_project", attachment.project)
    return pdf_download(attachment.file.open("rb"), attachment.original_name)


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("project"), pk=pk)
    require(request, "projects.change_project", attachment.project)
    attempt(
        request,
        services.attachment_delete,
        success=_("La pièce jointe est supprimée."),
        attachment=attachment,
        by=request.user,
    )
    return redirect("projects:project_detail", pk=attachment.project_id)


@login_required
def project_coholders(request, pk):
    project = project_or_404(request, pk, "projects.manage_coholders")
    form = CoHolderForm(request.POST or None)
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            user = get_object_or_404(User, pk=posted_id(remove))
            services.project_remove_co_holder(project=project, user=user, by=request.user)
            messages.success(request, _("%(name)s n'est plus co-porteur.") % {"name": user})
            return redirect("projects:project_coholders", pk=project.pk)
        if form.is_valid():
            done, colleague = attempt(
                request,
                services.project_add_co_holder,
                form=form,
                field="email",
                project=project,
                email=form.cleaned_data["email"],
                by=request.user,
            )
            if done:
                messages.success(
                    request, _("%(name)s peut maintenant modifier le projet.") % {"name": colleague}
                )
                return redirect("projects:project_coholders", pk=project.pk)
    return render(
        request,
        "projects/submissions/project_coholders.html",
        {"project": project, "form": form, "co_holders": project.co_holders.all()},
    )


@login_required
def self_assessment_edit(request, pk):
    """The holder's self-assessment: the shared assessment form on the call's grid version."""
    project = project_or_404(request, pk, "projects.change_project")
    if locked := _locked(request, project):
        return locked
    if not project.call.asks_self_assessment:
        messages.info(request, _("Cet appel ne prévoit pas d'auto-évaluation."))
        return redirect("projects:project_detail", pk=project.pk)
    # Created on the first save only: reading the form never writes.
    assessment = project.assessments.self_assessments().first()
    criteria = version_criteria(project.call.grid_version_id)
    form = AssessmentForm(request.POST or None, criteria=criteria, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_save(
                project=project,
                scores=form.scores(),
                by=request.user,
                row_version=form.cleaned_data["row_version"],
            )
        except services.StaleAssessment as error:
            # What a co-holder saved meanwhile is shown; the next post deliberately replaces it.
            assessment = project.assessments.self_assessments().first()
            form.data = form.data.copy()
            form.data["row_version"] = (
                assessment.row_version if assessment else services.NEW_ASSESSMENT
            )
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'auto-évaluation est enregistrée."))
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request,
        "projects/assessments/assessment_form.html",
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


@login_required
@require_POST
def self_assessment_total(request, pk):
    """htmx partial: the total of the answers being typed, never saved. Same scoring function
    as the stored totals; the page works without it."""
    project = project_or_404(request, pk, "projects.change_project")
    criteria = version_criteria(project.call.grid_version_id)
    form = AssessmentForm(request.POST, criteria=criteria)
    form.is_valid()  # invalid choices are simply left out of the running total
    values = {criterion_id: value for criterion_id, (value, _c) in form.scores().items()}
    summary = summarise(criteria, values)
    return render(request, "projects/assessments/_assessment_total.html", {"summary": summary})


@login_required
@require_POST
def self_assessment_autosave(request, pk):
    """The self-assessment saved as the holder types (the form's script): the same service
    and row version as the form's button; the page works without it."""
    project = project_or_404(request, pk, "projects.change_project")
    if not project.is_draft or not project.call.asks_self_assessment:
        return draft_refused(_("Ce projet ne peut plus être modifié."), status=409)
    criteria = version_criteria(project.call.grid_version_id)
    form = AssessmentForm(
        request.POST,
        criteria=criteria,
        assessment=project.assessments.self_assessments().first(),
    )
    if not form.is_valid():
        return draft_refused(form)
    try:
        assessment = services.self_assessment_save(
            project=project,
            scores=form.scores(),
            by=request.user,
            row_version=form.cleaned_data["row_version"],
        )
    except services.StaleAssessment as error:
        return draft_refused(error, status=409)
    except ValidationError as error:
        return draft_refused(error)
    return draft_saved(assessment)
