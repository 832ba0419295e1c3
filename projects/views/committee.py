"""The selection committee: a project's decision taken on the reviewers' evidence
(`projects.views.evidence`), the call's committee view in ranking order against its envelope
and the publication of the decisions. The call's journal: `projects.views.journal`."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.permissions import allowed, require
from accounts.services import client_ip
from accounts.web import attempt
from projects import dashboards, services
from projects.forms import DECISION_FORM_FIELDS, DashboardQueryForm, DecisionForm, PublishForm
from projects.models import Call, Decision, Opinion, Outcome, Project
from projects.selectors.committee import (
    call_decisions,
    envelope_summary,
    opinion_summaries,
    proposed_count,
    publication_plan,
)
from projects.views.common import RANKINGS, project_or_404, ranking_in_view
from projects.views.evidence import evidence_context
from territories.figures import format_figure, number_separators
from territories.typography import format_euros

# --- A project's decision -------------------------------------------------------------------


def _form_data(post, decision: Decision | None):
    """The posted values, completed with the decision's current ones for the fields the form
    did not send (a committee row sends the outcome and the amount only)."""
    data = post.copy()
    if decision is not None:
        for name in DECISION_FORM_FIELDS:
            if name not in data:
                value = getattr(decision, name)
                data[name] = "" if value is None else value
    return data


@login_required
def decision_edit(request, pk):
    """Propose or revise the decision on a project with the reviewers' evidence beside it; once
    published, correct it explicitly (with a reason the holder reads). A committee row posts
    here too: on success it goes back to the committee view, on refusal the full form shows
    the messages at the fields."""
    project = project_or_404(request, pk, "projects.decide_project")
    decision = Decision.objects.filter(project=project).first()
    from_committee = request.POST.get("from") == "committee" or request.GET.get("from") == (
        "committee"
    )
    # The committee page the row was on, to go back to it (checked: a bad value is dropped).
    committee_url = reverse("projects:call_committee", args=[project.call_id])
    place = committee_place(request.POST if request.method == "POST" else request.GET)
    if place:
        committee_url += f"?{urlencode(place)}"
    form = DecisionForm(
        _form_data(request.POST, decision) if request.method == "POST" else None,
        instance=decision,
    )
    if request.method == "POST" and form.is_valid():
        correcting = decision is not None and decision.is_published
        done, _decision = attempt(
            request,
            services.decision_correct if correcting else services.decision_propose,
            form=form,
            success=_("La décision publiée est corrigée ; le porteur est prévenu par e-mail.")
            if correcting
            else _("Décision proposée : elle reste invisible au porteur jusqu'à sa publication."),
            project=project,
            by=request.user,
            ip=client_ip(request),
            **form.service_kwargs(),
            **({"reason": form.cleaned_data.get("correction_reason", "")} if correcting else {}),
        )
        if done:
            if from_committee:
                return redirect(f"{committee_url}#project-{project.pk}")
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request,
        "projects/decisions/decision_form.html",
        {
            "project": project,
            "decision": decision,
            "form": form,
            "aggregate": dashboards.project_aggregate(project=project),
            # Which ranking of the call dashboard the funder had in view when deciding.
            "ranking_label": RANKINGS[ranking_in_view(request, project.call_id)],
            "envelope": envelope_summary(call=project.call),
            "from_committee": from_committee,
            "committee_place": place,
            "committee_url": committee_url,
            **evidence_context(request, project, is_manager=True),
        },
    )


# --- The committee view ---------------------------------------------------------------------

# The committee view's rows a page, as on the call dashboard.
COMMITTEE_PAGE_SIZE = dashboards.PAGE_SIZE

COMMITTEE_ORDERS = {
    "mean": gettext_lazy("Moyenne des évaluateurs"),
    "median": gettext_lazy("Médiane des évaluateurs"),
}


def committee_place(data) -> dict:
    """The committee view's order and page named in `data` ("ordre", "page"), the valid ones
    only: where a committee row goes back to."""
    place = {}
    if data.get("ordre") in COMMITTEE_ORDERS and data.get("ordre") != "mean":
        place["ordre"] = data["ordre"]
    page = DashboardQueryForm(data).value("page", 1)
    if page > 1:
        place["page"] = page
    return place


def managed_call(request, pk, perm) -> Call:
    call = get_object_or_404(Call.objects.select_related("funder", "grid_version"), pk=pk)
    require(request, perm, call)
    return call


def granted_amount(decision) -> Decimal | None:
    """The amount a decision grants: a selection's amount, None otherwise (or without one)."""
    if decision and decision.outcome == Outcome.SELECTED and decision.amount_granted:
        return decision.amount_granted
    return None


def running_totals(selected, decisions) -> dict[int, Decimal]:
    """Per selected project with an amount: the total of the amounts granted up to it, in
    the ranking's order (the "Cumul" column). `selected`: the ranking of the call's selected
    projects alone, so that a page of the committee costs the same whatever the call's size;
    `decisions`: theirs, by project id."""
    running, totals = Decimal(0), {}
    for row in selected:
        amount = granted_amount(decisions.get(row.project_id))
        if amount is not None:
            running += amount
            totals[row.project_id] = running
    return totals


def committee_rows(*, call, order="mean", page: int | None = None):
    """The committee's rows in ranking order (the dashboards' `call_ranking`): opinions,
    amounts requested, the decision and the running total against the envelope; `page`: one
    page of the ranking (the committee view), None: every project (the committee booklet,
    PDF). Both read the same rows. Returns the rows, the ranking page and the envelope."""
    if page is None:
        ranking = dashboards.call_ranking(call=call, order=order, page_size=None)
        first_rank = 1
    else:
        ranking = dashboards.call_ranking(
            call=call, order=order, page=page, page_size=COMMITTEE_PAGE_SIZE
        )
        first_rank = (ranking.page - 1) * COMMITTEE_PAGE_SIZE + 1
    ids = [row.project_id for row in ranking.rows]
    selected = dashboards.call_ranking(
        call=call, order=order, outcome=Outcome.SELECTED, page_size=None
    ).rows
    opinions = opinion_summaries(project_ids=ids)
    decisions = call_decisions(call=call, project_ids=[*ids, *(row.project_id for row in selected)])
    projects = {
        pk: (requested, organisation)
        for pk, requested, organisation in Project.objects.filter(pk__in=ids)
        .order_by()
        .values_list("pk", "amount_requested", "organisation__name")
    }
    totals = running_totals(selected, decisions)
    envelope = envelope_summary(call=call)
    rows = []
    for rank, row in enumerate(ranking.rows, start=first_rank):
        decision = decisions.get(row.project_id)
        running = totals.get(row.project_id)
        requested, organisation = projects.get(row.project_id, (None, ""))
        rows.append(
            {
                "rank": rank,
                "ranking": row,
                "organisation": organisation or "",
                "opinions": opinions.get(row.project_id),
                "requested": requested,
                "decision": decision,
                "amount": granted_amount(decision),
                "running": running,
                "beyond": envelope.envelope is not None
                and running is not None
                and running > envelope.envelope,
            }
        )
    return rows, ranking, envelope


def committee_cells(rows, *, outcomes) -> list[dict]:
    """The committee view's rows, their figures, amounts and labels written here rather than
    by the template (50 rows with a form each: template filters, translations and links in
    the loop made most of the page's time); the texts are the template's own messages."""
    separators = number_separators()
    head, tail = reverse("projects:decision_edit", args=[0]).rsplit("/0/", 1)
    labels = {
        "reviews": _("%(n)s éval."),
        "median": _("méd. %(median)s €"),
        "outcome": _("Décision pour %(title)s"),
        "amount": _("Montant accordé pour %(title)s (€)"),
        "publish": _("Publier la décision sur %(title)s"),
    }

    cells = []
    for row in rows:
        ranking, decision, opinions = row["ranking"], row["decision"], row["opinions"]
        title = ranking.title
        chosen = decision.outcome if decision else None
        amount = decision.amount_granted if decision else None
        recommended = opinions.recommended_count if opinions else 0
        cells.append(
            {
                "row": row,
                "id": ranking.project_id,
                "url": f"{head}/{ranking.project_id}/{tail}",
                "mean": format_figure(ranking.figures.totals.mean, 2, separators=separators),
                "reviews": labels["reviews"] % {"n": ranking.figures.reviews},
                "requested": format_euros(row["requested"], separators=separators),
                "recommended": format_figure(opinions.recommended_mean, 0, separators=separators)
                if recommended
                else None,
                "recommended_median": labels["median"]
                % {"median": format_figure(opinions.recommended_median, 0, separators=separators)}
                if recommended
                else "",
                "amount": None
                if row["amount"] is None
                else format_euros(row["amount"], separators=separators),
                "running": ""
                if row["running"] is None
                else format_euros(row["running"], separators=separators),
                "options": format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    (
                        (value, " selected" if value == chosen else "", label)
                        for value, label in outcomes
                    ),
                ),
                "amount_value": ""
                if amount is None
                else (f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"),
                "outcome_label": labels["outcome"] % {"title": title},
                "amount_label": labels["amount"] % {"title": title},
                "publish_label": labels["publish"] % {"title": title},
            }
        )
    return cells


@login_required
def call_committee(request, pk):
    """The "Comité de sélection": the call's projects in ranking order (the dashboards'
    `call_ranking`), each with its opinions at a glance, the amounts requested and recommended,
    the proposed or published decision, and a running total against the envelope. Decisions
    are proposed row by row; the proposed ones are published from here."""
    call = managed_call(request, pk, "projects.view_committee")
    order = request.GET.get("ordre", "mean")
    if order not in COMMITTEE_ORDERS:
        order = "mean"
    page_number = DashboardQueryForm(request.GET).value("page", 1)
    rows, page, envelope = committee_rows(call=call, order=order, page=page_number)
    if page_number > page.pages:  # past the last page (a decision moved projects): the last
        return redirect(f"{request.path}?{urlencode({'ordre': order, 'page': page.pages})}")
    can_decide = call.takes_decisions and allowed(request, "projects.manage_call", call)
    proposed = proposed_count(call=call)
    return render(
        request,
        "projects/decisions/committee.html",
        {
            "call": call,
            "rows": rows,
            "cells": committee_cells(rows, outcomes=Outcome.choices),
            "page": page,
            "previous_url": "?" + urlencode({"ordre": order, "page": page.page - 1})
            if page.page > 1
            else "",
            "next_url": "?" + urlencode({"ordre": order, "page": page.page + 1})
            if page.page < page.pages
            else "",
            "envelope": envelope,
            "order": order,
            "orders": list(COMMITTEE_ORDERS.items()),
            "can_decide": can_decide,
            "can_publish": proposed and allowed(request, "projects.publish_decisions", call),
            "proposed_count": proposed,
            "opinion_labels": dict(Opinion.choices),
        },
    )


# --- Publication ----------------------------------------------------------------------------


@login_required
def decisions_publish(request, pk):
    """The confirmation page lists who gets what and the e-mails that will go, and the
    envelope after publication; posting it publishes. A second submission finds the decisions
    published and sends nothing."""
    call = managed_call(request, pk, "projects.publish_decisions")
    # Published decisions stay valid choices: a double submission reaches the service, which
    # publishes nothing twice, rather than failing on a "choix invalide".
    decisions = Decision.objects.filter(project__call=call)
    if request.method == "POST":
        form = PublishForm(request.POST, decisions=decisions)
        data = request.POST
    else:
        form = PublishForm(request.GET or None, decisions=decisions)
        data = request.GET
    chosen = None
    if "decisions" in data:
        chosen = [value for value in data.getlist("decisions") if value.isdigit()]
    plan = publication_plan(call=call, decision_ids=chosen)
    if request.method == "POST" and form.is_valid():
        done, published = attempt(
            request,
            services.decisions_publish,
            form=form,
            call=call,
            by=request.user,
            decision_ids=[d.pk for d in form.cleaned_data["decisions"]],
            override_reason=form.cleaned_data["override_reason"],
            ip=client_ip(request),
        )
        if done:
            if published:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s décision publiée ; le porteur est prévenu par e-mail.",
                        "%(n)s décisions publiées ; les porteurs sont prévenus par e-mail.",
                        len(published),
                    )
                    % {"n": len(published)},
                )
            else:
                messages.info(request, _("Ces décisions étaient déjà publiées : rien n'a changé."))
            return redirect("projects:call_committee", pk=call.pk)
    return render(
        request,
        "projects/decisions/decisions_publish.html",
        {"call": call, "plan": plan, "form": form},
    )
