"""Call managers' pages: their calls, settings and status, reviewer pool, assignments and
decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import allowed, require
from accounts.selectors import organisation_ids
from accounts.services import create_once
from accounts.web import attempt
from projects import services
from projects.dashboards import project_aggregate
from projects.forms import (
    AutoAssignForm,
    CallForm,
    DecisionForm,
    PoolAddForm,
    posted_id,
    posted_ids,
)
from projects.models import (
    Assignment,
    Call,
    CallStatus,
    Decision,
)
from projects.selectors.calls import calls_for_funder
from projects.selectors.reviewing import call_assignments, reviewer_progress
from projects.selectors.submissions import call_projects
from projects.views.common import project_or_404


@login_required
def funder_call_list(request):
    require(request, "projects.list_calls")
    calls = calls_for_funder(user=request.user)
    return render(
        request,
        "projects/calls/call_manage_list.html",
        {"calls": calls, "can_create": allowed(request, "projects.add_call")},
    )


def _funder_organisation(user):
    ids = organisation_ids(user, Role.FUNDER)
    return user.memberships.filter(organisation_id__in=ids).select_related("organisation").first()


@login_required
def call_create(request):
    require(request, "projects.add_call")
    membership = _funder_organisation(request.user)
    if membership is None:
        messages.error(request, _("Seul un membre d'un financeur peut créer un appel."))
        return redirect("projects:funder_call_list")
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, call = attempt(
            request,
            create_once,  # a double click creates one call
            form=form,
            success=_("L'appel est créé en brouillon."),
            key=form.cleaned_data["once"],
            user=request.user,
            create=lambda: services.call_create(
                funder=membership.organisation, by=request.user, **form.service_kwargs()
            ),
        )
        if done:
            return redirect("projects:call_manage", pk=call.pk)
    return render(request, "projects/calls/call_form.html", {"form": form})


@login_required
def call_edit(request, pk):
    call = get_object_or_404(Call, pk=pk)
    require(request, "projects.change_call", call)
    form = CallForm(request.POST or None, instance=Call.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        if not call.is_draft:
            data.pop("eligibility", None)
        done, _call = attempt(
            request,
            services.call_update,
            form=form,
            success=_("L'appel est enregistré."),
            call=call,
            by=request.user,
            **data,
        )
        if done:
            return redirect("projects:call_manage", pk=call.pk)
    return render(request, "projects/calls/call_form.html", {"form": form, "call": call})


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
        "projects/calls/call_manage.html",
        {
            "call": call,
            "projects": call_projects(call=call),
            "next_status": next_status,
            "next_label": CallStatus(next_status).label if next_status else "",
            "can_change": allowed(request, "projects.change_call", call),
        },
    )


@login_required
@require_POST
def call_transition(request, pk):
    call = get_object_or_404(Call, pk=pk)
    require(request, "projects.change_call", call)
    attempt(
        request,
        services.call_transition,
        success=_("Le statut de l'appel a changé."),
        call=call,
        to=request.POST.get("to", ""),
        by=request.user,
    )
    return redirect("projects:call_manage", pk=call.pk)


def _managed_call(request, pk) -> Call:
    call = get_object_or_404(Call.objects.select_related("funder", "grid_version"), pk=pk)
    require(request, "projects.manage_call", call)
    return call


@login_required
def call_reviewers(request, pk):
    """The call's reviewer pool, its assignments and their progress ("2/3 évaluations")."""
    return _reviewers_page(request, _managed_call(request, pk))


def _reviewers_page(request, call, *, pool_form=None, auto_form=None, status=200):
    """The reviewers page; a refused pool or auto-assignment form is shown again with what was
    typed and its error at the field, rather than a redirect that loses it."""
    projects = list(call_projects(call=call).order_by("title", "pk"))
    reviewers = list(reviewer_progress(call=call))
    assignments = list(call_assignments(call=call))
    by_project: dict[int, list] = {}
    for assignment in assignments:
        by_project.setdefault(assignment.project_id, []).append(assignment)
    for project in projects:
        project.assignment_list = by_project.get(project.pk, [])
    return render(
        request,
        "projects/reviewing/call_reviewers.html",
        {
            "call": call,
            "projects": projects,
            "reviewers": reviewers,
            "pool_form": pool_form or PoolAddForm(),
            "auto_form": auto_form or AutoAssignForm(),
            "invitations": call.invitations.filter(accepted_at__isnull=True),
            "assigned_total": sum(p.assigned_count for p in projects),
            "done_total": sum(p.done_count for p in projects),
        },
        status=status,
    )


@login_required
@require_POST
def call_pool(request, pk):
    """Add a reviewer to the pool (or invite them), or remove one."""
    call = _managed_call(request, pk)
    if remove := request.POST.get("remove"):
        reviewer = get_object_or_404(call.reviewers, pk=posted_id(remove))
        services.reviewer_pool_remove(call=call, reviewer=reviewer, by=request.user)
        messages.success(request, _("%(name)s a quitté le vivier.") % {"name": reviewer})
        return redirect("projects:call_reviewers", pk=call.pk)
    form = PoolAddForm(request.POST)
    if not form.is_valid():
        return _reviewers_page(request, call, pool_form=form)
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


@login_required
@require_POST
def call_assign(request, pk):
    """Assign by hand or in bulk: every checked project × every checked reviewer."""
    call = _managed_call(request, pk)
    projects = list(
        call.projects.submitted().filter(pk__in=posted_ids(request.POST.getlist("projects")))
    )
    reviewers = list(call.reviewers.filter(pk__in=posted_ids(request.POST.getlist("reviewers"))))
    if not projects or not reviewers:
        messages.error(request, _("Cochez au moins un projet et un évaluateur."))
        return redirect("projects:call_reviewers", pk=call.pk)
    done, created = attempt(
        request,
        services.assignments_create,
        call=call,
        pairs=[(p, r) for p in projects for r in reviewers],
        by=request.user,
    )
    if done:
        messages.success(request, _("%(n)s assignation(s) créée(s).") % {"n": created})
    return redirect("projects:call_reviewers", pk=call.pk)


@login_required
@require_POST
def call_assign_auto(request, pk):
    """Balanced automatic assignment: N reviewers per project."""
    call = _managed_call(request, pk)
    form = AutoAssignForm(request.POST)
    if form.is_valid():
        done, created = attempt(
            request,
            services.assignments_auto,
            call=call,
            per_project=form.cleaned_data["per_project"],
            by=request.user,
        )
        if done:
            messages.success(request, _("%(n)s assignation(s) créée(s).") % {"n": created})
        if not done:
            return _reviewers_page(request, call, auto_form=form)
    else:
        return _reviewers_page(request, call, auto_form=form)
    return redirect("projects:call_reviewers", pk=call.pk)


@login_required
@require_POST
def assignment_recuse(request, pk):
    assignment = get_object_or_404(Assignment.objects.select_related("project__call"), pk=pk)
    require(request, "projects.manage_call", assignment.project.call)
    services.assignment_recuse(assignment=assignment, by=request.user)
    messages.success(request, _("L'évaluateur est récusé pour ce projet."))
    return redirect("projects:call_reviewers", pk=assignment.project.call_id)


@login_required
@require_POST
def assignment_reopen(request, pk):
    """Reopen a review locked after its author saw the others' scores: journaled and shown."""
    assignment = get_object_or_404(Assignment.objects.select_related("project__call"), pk=pk)
    require(request, "projects.manage_call", assignment.project.call)
    attempt(
        request,
        services.review_reopen,
        success=_("L'évaluation est rouverte : son auteur peut la modifier et la soumettre."),
        assignment=assignment,
        by=request.user,
    )
    return redirect("projects:call_reviewers", pk=assignment.project.call_id)


@login_required
def decision_edit(request, pk):
    """The call manager records the outcome, the amount granted and the motivation."""
    project = project_or_404(request, pk, "projects.decide_project")
    decision = Decision.objects.filter(project=project).first()
    form = DecisionForm(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        done, _decision = attempt(
            request,
            services.decision_record,
            form=form,
            success=_("La décision est enregistrée."),
            project=project,
            by=request.user,
            **form.cleaned_data,
        )
        if done:
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request,
        "projects/decisions/decision_form.html",
        {
            "project": project,
            "form": form,
            "aggregate": project_aggregate(project=project),
        },
    )
