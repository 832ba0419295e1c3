"""Dashboards: thin views over projects.dashboards, one predicate each."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import allowed, require
from projects import dashboards, services
from projects.forms import DashboardQueryForm, RankingFilterForm
from projects.models import Call, Outcome, Project
from projects.selectors.calls import managed_call_ids, managed_calls
from territories.maps import france_map
from territories.models import Departement, Region

RANKING_COLUMNS = [
    ("title", gettext_lazy("Projet")),
    ("territory", gettext_lazy("Territoire")),
    ("status", gettext_lazy("Statut")),
    ("reviews", gettext_lazy("Évaluations")),
    ("mean", gettext_lazy("Moyenne")),
    ("median", gettext_lazy("Médiane")),
    ("min", gettext_lazy("Min.")),
    ("max", gettext_lazy("Max.")),
    ("std_dev", gettext_lazy("Écart type")),
    ("coverage", gettext_lazy("Couverture")),
    ("gate", gettext_lazy("Socles")),
    ("self", gettext_lazy("Auto-éval.")),
    ("outcome", gettext_lazy("Décision")),
]


def _sort_columns(base: dict, order: str, descending: bool) -> list[dict]:
    """Each column header's link: sorting by it, the other way round when it is current."""
    columns = []
    for key, label in RANKING_COLUMNS:
        current = key == order
        # Figures read best highest first; text lowest first.
        descend = (not descending) if current else key not in ("title", "territory", "status")
        columns.append(
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode({**base, "sort": ("-" if descend else "") + key}),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return columns


@login_required
def call_dashboard(request, pk):
    """The call's ranking with disagreement, self-assessment and progress (journey 5)."""
    call = get_object_or_404(Call.objects.select_related("funder", "grid_version"), pk=pk)
    require(request, "projects.view_call_dashboard", call)
    form = RankingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", "-mean")
    descending = sort.startswith("-")
    order = sort.lstrip("-")
    if order not in dashboards.RANKING_ORDER:
        order, descending = "mean", True
    page_number = DashboardQueryForm(request.GET).value("page", 1)
    page = dashboards.call_ranking(
        call=call,
        order=order,
        descending=descending,
        territory=filters.get("territory", ""),
        status=filters.get("status", ""),
        outcome=filters.get("outcome", ""),
        page=page_number,
    )
    base = {key: value for key, value in filters.items() if value}
    sort_query = {**base, "sort": ("-" if descending else "") + order}
    outcomes = dict(Outcome.choices)
    return render(
        request,
        "projects/dashboards/dashboard_call.html",
        {
            "call": call,
            "form": form,
            "page": page,
            "rows": [(row, outcomes.get(row.outcome, "")) for row in page.rows],
            "columns": _sort_columns(base, order, descending),
            "previous_url": "?" + urlencode({**sort_query, "page": page.page - 1})
            if page.page > 1
            else "",
            "next_url": "?" + urlencode({**sort_query, "page": page.page + 1})
            if page.page < page.pages
            else "",
            "progress": dashboards.call_progress(call=call),
            "threshold": dashboards.DISAGREEMENT_THRESHOLD,
        },
    )


MEASURE_LABELS = {
    "submitted": gettext_lazy("Projets déposés"),
    "selected": gettext_lazy("Projets retenus"),
    "success_rate": gettext_lazy("Taux de succès (%)"),
    "mean_total": gettext_lazy("Note moyenne /100"),
    "per_100k": gettext_lazy("Projets pour 100 000 habitants"),
}


def _format(value) -> str:
    if value is None:
        return "—"
    return number_format(value, decimal_pos=0 if float(value).is_integer() else 1)


def _territory_scope(request):
    """(the viewer's calls as (pk, title), the call ids the figures cover, the chosen call)."""
    call_ids = managed_call_ids(user=request.user)
    calls = list(
        managed_calls(user=request.user).order_by("-opens_at", "pk").values_list("pk", "title")
    )
    query = DashboardQueryForm(request.GET)
    call_pk = ""
    if request.GET.get("call"):
        # Another funder's call (or no call at all) is answered as if it did not exist.
        if query.invalid("call") or query.value("call") not in {pk for pk, _t in calls}:
            raise Http404
        call_pk = str(query.value("call"))
        call_ids = [int(call_pk)]
    return calls, call_ids, call_pk


@login_required
def territory_dashboard(request):
    """Funders' figures per région and département, on a map and as tables (journey 6).

    Only the calls the viewer manages count (administrators: all); `call` narrows to one of
    them, `region` drills down to its départements, `departement` to its projects."""
    require(request, "projects.view_territory_dashboard")
    calls, call_ids, call_pk = _territory_scope(request)
    measure = request.GET.get("measure", "submitted")
    if measure not in dashboards.MEASURES:
        measure = "submitted"
    query = DashboardQueryForm(request.GET)
    if query.invalid("region") or query.invalid("departement"):
        raise Http404
    region_code = query.value("region", "")
    departement_code = query.value("departement", "")
    base = {key: value for key, value in (("call", call_pk), ("measure", measure)) if value}
    here = reverse("projects:territory_dashboard")

    region = None
    if region_code:
        region = get_object_or_404(Region, code=region_code)
    level = "departement" if region else "region"
    figures = dashboards.territory_figures(call_ids=call_ids, level=level)
    # The map draws every département; only the chosen région's carry figures.
    rows = [row for row in figures if row.region_code == region.code] if region else figures
    values = {row.code: row.measure(measure) for row in rows}
    names = {row.code: row.name for row in figures}

    def url_for(code):
        if level == "region":
            return f"{here}?{urlencode({**base, 'region': code})}"
        if code in values:
            return f"{here}?{urlencode({**base, 'region': region.code, 'departement': code})}"
        return ""

    territory_map = france_map(
        level=level,
        values=values,
        names=names,
        value_format=_format,
        url_for=url_for,
        title=str(MEASURE_LABELS[measure]),
    )
    projects = []
    departement = None
    if departement_code and region:
        departement = get_object_or_404(Departement, code=departement_code, region=region)
        projects = Project.objects.submitted().filter(departement=departement)
        if call_ids is not None:
            projects = projects.filter(call_id__in=call_ids)
        projects = projects.select_related("call", "decision").order_by("call", "title", "pk")
    return render(
        request,
        "projects/dashboards/dashboard_territory.html",
        {
            "calls": calls,
            "call_pk": call_pk,
            "measure": measure,
            "measures": list(MEASURE_LABELS.items()),
            "region": region,
            "departement": departement,
            "level": level,
            "map": territory_map,
            "rows": rows,
            "totals": {
                "submitted": sum(row.submitted for row in rows),
                "selected": sum(row.selected for row in rows),
            },
            "heatmap_url": reverse("projects:territory_heatmap")
            + "?"
            + urlencode({**base, **({"region": region.code} if region else {})}),
            "projects": projects,
            "back_url": f"{here}?{urlencode(base)}",
            "region_url": f"{here}?{urlencode({**base, 'region': region.code})}" if region else "",
        },
    )


def _reviewers_as_seen(request, project, criteria, *, is_manager: bool) -> list[dict]:
    """Each reviewer's total and scores. The call's managers know who reviewed; a reviewer
    reads the others anonymised and numbered as on the scoring form (in the order the reviews
    were created)."""
    scores = dashboards.project_reviewer_scores(project=project)["reviewers"]
    if not is_manager:
        scores.sort(key=lambda reviewer: reviewer["assessment_id"])
    others = 0
    reviewers = []
    for reviewer in scores:
        if is_manager:
            name = reviewer["name"]
        elif reviewer["author_id"] == request.user.pk:
            name = _("Vous")
        else:
            others += 1
            name = _("Évaluateur %(n)s") % {"n": others}
        reviewers.append(
            {
                "name": name,
                "total": reviewer["total"],
                "values": [reviewer["values"].get(criterion.id) for criterion in criteria],
            }
        )
    return reviewers


@login_required
def project_analysis(request, pk):
    """Per criterion: reviewers' mean and median, the self-assessment and the gap (journey 5)."""
    project = get_object_or_404(
        Project.objects.select_related("call__grid_version", "departement"), pk=pk
    )
    require(request, "projects.view_project_analysis", project)
    criteria = dashboards.project_criteria(project=project)
    is_manager = allowed(request, "projects.manage_call", project.call)
    if not is_manager:
        # A reviewer reads the others' scores here: their submitted review locks (anti-anchoring).
        services.review_mark_others_seen(project=project, reviewer=request.user)
    reviewers = _reviewers_as_seen(request, project, criteria, is_manager=is_manager)
    bar_height = 22
    return render(
        request,
        "projects/dashboards/dashboard_project.html",
        {
            "project": project,
            "back_url": reverse("projects:call_dashboard", args=[project.call_id])
            if is_manager
            else reverse("projects:review_edit", args=[project.pk]),
            "criteria": criteria,
            "reviewers": reviewers,
            "chart": {
                "height": bar_height * len(criteria) + 30,
                "rows": [
                    {
                        "criterion": criterion,
                        "y": 20 + index * bar_height,
                        "text_y": 20 + index * bar_height + 14,
                    }
                    for index, criterion in enumerate(criteria)
                ],
            },
        },
    )


@login_required
def territory_heatmap(request):
    """The territory × criterion profile (mean normalised score). Its own block, loaded by htmx
    after the map: it reads every score of the calls (200,000 in the benchmark), so the map and
    the table do not wait for it. Without JavaScript, the link opens it as a page."""
    require(request, "projects.view_territory_dashboard")
    _calls, call_ids, _call_pk = _territory_scope(request)
    region = None
    query = DashboardQueryForm(request.GET)
    if query.invalid("region"):
        raise Http404
    if region_code := query.value("region", ""):
        region = get_object_or_404(Region, code=region_code)
    level = "departement" if region else "region"
    names = (
        Departement.objects.filter(region=region) if region else Region.objects.all()
    ).values_list("code", "name")
    heatmap = dashboards.territory_criterion_heatmap(
        call_ids=call_ids, level=level, region=region.code if region else ""
    )
    rows = [
        {
            "name": name,
            "cells": [heatmap["cells"].get((code, criterion)) for criterion in heatmap["criteria"]],
        }
        for code, name in names
        if any((code, criterion) in heatmap["cells"] for criterion in heatmap["criteria"])
    ]
    template = (
        "projects/dashboards/_territory_heatmap.html"
        if request.headers.get("HX-Request")
        else "projects/dashboards/dashboard_territory_heatmap.html"
    )
    return render(
        request,
        template,
        {"heat_criteria": heatmap["criteria"], "heat_rows": rows, "region": region},
    )


@login_required
def call_calibration(request, pk):
    """Reviewers' calibration and each criterion's score distribution for a call."""
    call = get_object_or_404(Call.objects.select_related("grid_version"), pk=pk)
    require(request, "projects.view_call_dashboard", call)
    distribution = dashboards.criterion_distribution(call=call)
    levels = (
        list(
            range(
                distribution[0]["criterion"].scale_min, distribution[0]["criterion"].scale_max + 1
            )
        )
        if distribution
        else []
    )
    return render(
        request,
        "projects/dashboards/dashboard_calibration.html",
        {
            "call": call,
            "reviewers": dashboards.reviewer_calibration(call=call),
            "distribution": distribution,
            "levels": levels,
            "outlier_bias": dashboards.OUTLIER_BIAS,
        },
    )
