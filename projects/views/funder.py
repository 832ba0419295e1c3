"""Call managers' pages: their calls, settings and status, reviewer pool and assignments
(decisions: `projects.views.committee`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.models import Role, User
from accounts.permissions import allowed, require
from accounts.services import client_ip, create_once
from accounts.web import attempt, current_organisation
from projects import services
from projects.forms import (
    AutoAssignForm,
    CallForm,
    CallTransitionForm,
    DueDateForm,
    PoolAddForm,
    SearchForm,
    posted_id,
    posted_ids,
)
from projects.models import (
    Assignment,
    Call,
    CallStatus,
)
from projects.selectors.calls import calls_for_funder
from projects.selectors.reminders import (
    late_reviewers,
    paris_date,
    pending_assignments,
    review_turnaround,
)
from projects.selectors.reviewing import call_assignments, reviewer_progress
from projects.selectors.search import search_calls
from projects.selectors.submissions import call_projects


@login_required
def funder_call_list(request):
    require(request, "projects.list_calls")
    search = SearchForm(request.GET or None)
    calls = search_calls(calls_for_funder(user=request.user), search.query())
    return render(
        request,
        "projects/calls/call_manage_list.html",
        {
            "calls": calls,
            "search": search,
            "can_create": allowed(request, "projects.add_call"),
        },
    )


@login_required
def call_create(request):
    require(request, "projects.add_call")
    # The funder the person works for now (accounts:organisation_switch).
    funder = current_organisation(request, Role.FUNDER)
    if funder is None:
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
                funder=funder, by=request.user, **form.service_kwargs()
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
            ip=client_ip(request),
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
    late = late_reviewers(call=call, today=paris_date(timezone.now())) if call.is_in_review else []
    return render(
        request,
        "projects/calls/call_manage.html",
        {
            "call": call,
            "late_reviews": sum(row["late_count"] for row in late),
            "late_reviewers": sum(1 for row in late if row["late_count"]),
            "projects": call_projects(call=call),
            "next_status": next_status,
            "next_label": CallStatus(next_status).label if next_status else "",
            "can_change": allowed(request, "projects.change_call", call),
        },
    )


TRANSITION_SUCCESS = {
    CallStatus.OPEN: gettext_lazy(
        "L'appel est ouvert : les porteurs peuvent déposer leurs projets."
    ),
    CallStatus.REVIEW: gettext_lazy(
        "L'appel est en évaluation : les évaluateurs assignés sont prévenus et peuvent noter."
    ),
    CallStatus.DECIDED: gettext_lazy("L'appel est décidé : ses réglages sont désormais figés."),
}


@login_required
def call_transition(request, pk):
    """GET: what moving the call to its next status will do, and the confirmation (asked
    twice when entering review before the closing date); POST: the move."""
    call = get_object_or_404(Call.objects.select_related("grid_version"), pk=pk)
    require(request, "projects.change_call", call)
    target = services.NEXT_STATUS.get(call.status)
    form = CallTransitionForm(request.POST or None, initial={"to": target})
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["to"]
        done, _call = attempt(
            request,
            services.call_transition,
            success=str(TRANSITION_SUCCESS.get(to, "")),
            call=call,
            to=to,
            by=request.user,
            early=form.cleaned_data["early"],
            ip=client_ip(request),
        )
        if done or target is None or to != target:
            return redirect("projects:call_manage", pk=call.pk)
    if target is None:
        messages.info(request, _("Cet appel est décidé : son statut ne peut plus changer."))
        return redirect("projects:call_manage", pk=call.pk)
    return render(
        request,
        "projects/calls/call_transition.html",
        {
            "call": call,
            "form": form,
            "target": target,
            "target_label": CallStatus(target).label,
            "effects": services.call_transition_effects(call, target),
            "problems": list(services.call_transition_problems(call, target, early=True)),
        },
    )


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
        services.reviewer_pool_remove(
            call=call, reviewer=reviewer, by=request.user, ip=client_ip(request)
        )
        messages.success(request, _("%(name)s a quitté le vivier.") % {"name": reviewer})
        return redirect("projects:call_reviewers", pk=call.pk)
    form = PoolAddForm(request.POST)
    if not form.is_valid():
        return _reviewers_page(request, call, pool_form=form)
    result = services.reviewer_pool_add(
        call=call,
        email=form.cleaned_data["email"],
        by=request.user,
        ip=client_ip(request),
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
        ip=client_ip(request),
    )
    if done:
        messages.success(request, _assignments_created(created))
    return redirect("projects:call_reviewers", pk=call.pk)


def _assignments_created(count: int) -> str:
    return ngettext("%(n)s assignation créée.", "%(n)s assignations créées.", count) % {"n": count}


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
            ip=client_ip(request),
        )
        if done:
            messages.success(request, _assignments_created(created))
        if not done:
            return _reviewers_page(request, call, auto_form=form)
    else:
        return _reviewers_page(request, call, auto_form=form)
    return redirect("projects:call_reviewers", pk=call.pk)


@login_required
def assignment_recuse(request, pk):
    """GET: what recusing the reviewer does, to confirm; POST: the recusal."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("project__call", "reviewer"), pk=pk
    )
    require(request, "projects.manage_call", assignment.project.call)
    if request.method == "POST":
        done, _assignment = attempt(
            request,
            services.assignment_recuse,
            success=_("L'évaluateur est récusé pour ce projet."),
            assignment=assignment,
            by=request.user,
            ip=client_ip(request),
        )
        return redirect("projects:call_reviewers", pk=assignment.project.call_id)
    review = assignment.project.assessments.reviews().filter(author=assignment.reviewer).first()
    return render(
        request,
        "projects/reviewing/assignment_recuse.html",
        {"assignment": assignment, "project": assignment.project, "review": review},
    )


def _days(value) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


@login_required
@require_POST
def assignment_reopen(request, pk):
    """Reopen a review locked after its author saw the others' scores: journaled and shown."""
    assignment = get_object_or_404(Assignment.objects.select_related("project__call"), pk=pk)
    require(request, "projects.manage_call", assignment.project.call)
    attempt(
        request,
        services.review_reopen,
        success=_("L'évaluation est rouverte : son auteur peut la modifier et la soumettre."),
        assignment=assignment,
        by=request.user,
    )
    return redirect("projects:call_reviewers", pk=assignment.project.call_id)


@login_required
def call_late(request, pk):
    """« Qui est en retard » : per reviewer, done / due / late reviews, the last reminder and
    the turnaround; the unfinished assignments with their due dates, editable in bulk."""
    call = _managed_call(request, pk)
    today = paris_date(timezone.now())
    turnaround = review_turnaround(call=call)
    reviewers = late_reviewers(call=call, today=today)
    for row in reviewers:
        own = turnaround["reviewers"].get(row["reviewer_id"])
        row["median_days"] = _days(own["median"] if own else None)
        row["p90_days"] = _days(own["p90"] if own else None)
    pending = list(pending_assignments(call=call))
    for assignment in pending:
        assignment.is_late = assignment.due is not None and assignment.due < today
    summary = turnaround["call"]
    return render(
        request,
        "projects/reviewing/call_late.html",
        {
            "call": call,
            "today": today,
            "reviewers": reviewers,
            "pending": pending,
            "turnaround": {
                "count": summary["count"],
                "median": _days(summary["median"]),
                "p90": _days(summary["p90"]),
            },
            "late_total": sum(row["late_count"] for row in reviewers),
            "due_form": DueDateForm(),
        },
    )


@login_required
@require_POST
def call_remind(request, pk):
    """« Relancer maintenant » : one e-mail to a reviewer, at most once a day."""
    call = _managed_call(request, pk)
    reviewer = (
        User.objects.filter(pk=request.POST.get("reviewer") or 0, assignments__project__call=call)
        .distinct()
        .first()
    )
    if reviewer is None:
        raise Http404
    attempt(
        request,
        services.reviewer_remind_now,
        success=_("%(name)s est relancé par e-mail.") % {"name": reviewer},
        call=call,
        reviewer=reviewer,
        by=request.user,
    )
    return redirect("projects:call_late", pk=call.pk)


@login_required
@require_POST
def call_due_dates(request, pk):
    """Set the due date of the checked assignments (one, several or all)."""
    call = _managed_call(request, pk)
    ids = Assignment.objects.filter(project__call=call).values_list("pk", flat=True)
    form = DueDateForm(request.POST, assignment_ids=list(ids))
    if form.is_valid():
        done, changed = attempt(
            request,
            services.assignments_set_due_date,
            call=call,
            assignment_ids=form.cleaned_data["assignments"],
            due_date=form.cleaned_data["due_date"],
            by=request.user,
        )
        if done:
            messages.success(
                request,
                ngettext(
                    "Échéance modifiée pour %(n)s assignation.",
                    "Échéance modifiée pour %(n)s assignations.",
                    changed,
                )
                % {"n": changed},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("projects:call_late", pk=call.pk)
