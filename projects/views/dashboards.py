"""Dashboards: thin views over projects.dashboards, one predicate each."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.permissions import allowed, require
from grid.models import Criterion
from projects import dashboards, services
from projects.forms import DashboardQueryForm, RankingFilterForm
from projects.forms.calls import departement_outside_region
from projects.models import Call, Outcome, Project
from projects.selectors.calls import TerritoryScope, territory_scope
from projects.selectors.reviewing import reviewers_as_seen
from projects.selectors.search import search_projects
from projects.views.committee import evidence_context
from projects.views.common import RANKINGS, ranking_in_view
from territories.figures import format_figure, half_up
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
    ("range", gettext_lazy("Étendue")),
    ("std_dev", gettext_lazy("Écart type")),
    ("coverage", gettext_lazy("Couverture")),
    ("gate", gettext_lazy("Socles")),
    ("self", gettext_lazy("Auto-éval.")),
    ("outcome", gettext_lazy("Décision")),
]


def _sort_columns(base: dict, order: str, descending: bool, corrected=False) -> list[dict]:
    """Each column header's link: sorting by it, the other way round when it is current."""
    columns = []
    extra = [("corrected", gettext_lazy("Rang corrigé"))] if corrected else []
    for key, label in extra + RANKING_COLUMNS:
        current = key == order
        # Figures read best highest first; text and ranks lowest first.
        descend = (
            (not descending)
            if current
            else key not in ("title", "territory", "status", "corrected")
        )
        columns.append(
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode({**base, "sort": ("-" if descend else "") + key}),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return columns


@dataclass
class RankingQuery:
    """What the call dashboard's query string asks for: filters, search, ranking and sort.
    The dashboard and its spreadsheet export read it the same way, so that a download is
    the page the funder is looking at."""

    form: RankingFilterForm
    filters: dict
    ranking: str
    corrected_ranks: dict | None
    order: str
    descending: bool
    project_ids: object = None

    def selector_arguments(self) -> dict:
        """`dashboards.call_ranking`'s arguments, the page aside."""
        return {
            "order": self.order,
            "descending": self.descending,
            "territory": self.filters.get("territory", ""),
            "status": self.filters.get("status", ""),
            "outcome": self.filters.get("outcome", ""),
            "corrected_ranks": self.corrected_ranks,
            "project_ids": self.project_ids,
        }


def ranking_query(request, call) -> RankingQuery:
    form = RankingFilterForm(request.GET or None, call=call)
    filters = form.filters()
    search = filters.get("q", "")
    ranking = ranking_in_view(request, call.pk, switch=request.GET.get("classement", ""))
    corrected_ranks = None
    if ranking == "corrected":
        quality = dashboards.judgement_quality(call=call)
        corrected_ranks = {row.project_id: row.corrected_rank for row in quality.ranking}
    sort = request.GET.get("sort", "corrected" if corrected_ranks else "-mean")
    descending = sort.startswith("-")
    order = sort.lstrip("-")
    if order not in dashboards.RANKING_ORDER or (order == "corrected" and not corrected_ranks):
        order, descending = "mean", True
    return RankingQuery(
        form=form,
        filters=filters,
        ranking=ranking,
        corrected_ranks=corrected_ranks,
        order=order,
        descending=descending,
        project_ids=search_projects(Project.objects.filter(call=call), search).values("pk")
        if search
        else None,
    )


@login_required
def call_dashboard(request, pk):
    """The call's ranking with disagreement, self-assessment and progress (journey 5)."""
    call = get_object_or_404(Call.objects.select_related("funder", "grid_version"), pk=pk)
    require(request, "projects.view_call_dashboard", call)
    query = ranking_query(request, call)
    form, filters, ranking = query.form, query.filters, query.ranking
    order, descending, corrected_ranks = query.order, query.descending, query.corrected_ranks
    page_number = DashboardQueryForm(request.GET).value("page", 1)
    page = dashboards.call_ranking(call=call, page=page_number, **query.selector_arguments())
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
            "columns": _sort_columns(base, order, descending, corrected=bool(corrected_ranks)),
            "ranking": ranking,
            "ranking_label": RANKINGS[ranking],
            "other_ranking": "raw" if ranking == "corrected" else "corrected",
            "previous_url": "?" + urlencode({**sort_query, "page": page.page - 1})
            if page.page > 1
            else "",
            "next_url": "?" + urlencode({**sort_query, "page": page.page + 1})
            if page.page < page.pages
            else "",
            "progress": dashboards.call_progress(call=call),
            "export_query": urlencode({**sort_query, "classement": ranking}),
            "threshold": dashboards.DISAGREEMENT_RANGE,
        },
    )


MEASURE_LABELS = {
    "submitted": gettext_lazy("Projets déposés"),
    "assessed": gettext_lazy("Projets évalués"),
    "decided": gettext_lazy("Projets décidés"),
    "selected": gettext_lazy("Projets retenus"),
    "success_rate": gettext_lazy("Taux de succès (%)"),
    "mean_total": gettext_lazy("Note moyenne /100"),
    "per_100k": gettext_lazy("Projets pour 100 000 habitants"),
    "requested": gettext_lazy("Montant demandé (€)"),
    "granted": gettext_lazy("Montant accordé (€)"),
}


def _territory_scope(request) -> TerritoryScope:
    """The calls the page covers (`territory_scope`); another funder's call or an unused
    version is answered as if it did not exist."""
    try:
        return territory_scope(
            user=request.user,
            call_pk=request.GET.get("call", ""),
            version_pk=request.GET.get("version", ""),
        )
    except (Call.DoesNotExist, LookupError) as missing:
        raise Http404 from missing


@login_required
def territory_dashboard(request):
    """Funders' figures per région and département, on a map and as tables (journey 6).

    Only the calls the viewer manages count (administrators: all), on one grid version;
    `call` narrows to one of them, `region` drills down to its départements, `departement`
    to its projects."""
    require(request, "projects.view_territory_dashboard")
    scope = _territory_scope(request)
    measure = request.GET.get("measure", "submitted")
    if measure not in dashboards.MEASURES:
        measure = "submitted"
    query = DashboardQueryForm(request.GET)
    if query.invalid("region") or query.invalid("departement"):
        raise Http404
    region_code = query.value("region", "")
    departement_code = query.value("departement", "")
    base = {**scope.query(), "measure": measure}
    here = reverse("projects:territory_dashboard")

    region = departement = None
    territory_error = ""
    if departement_code:
        departement = get_object_or_404(
            Departement.objects.select_related("region"), code=departement_code
        )
    if region_code:
        region = get_object_or_404(Region, code=region_code)
    elif departement:
        region = departement.region  # a département alone drills down through its région
    if departement and departement.region_id != region.code:
        # Said, not silently resolved: the région applies, the département is left out.
        territory_error = departement_outside_region(departement, region)
        departement = None
    level = "departement" if region else "region"
    figures = dashboards.territory_figures(call_ids=scope.call_ids, level=level)
    # Drilled down, the map zooms to the région and draws its départements only.
    rows = [row for row in figures if row.region_code == region.code] if region else figures
    values = {row.code: row.measure(measure) for row in rows}
    names = {row.code: row.name for row in figures}

    def url_for(code):
        if level == "region":
            return f"{here}?{urlencode({**base, 'region': code})}"
        if code in values:
            return f"{here}?{urlencode({**base, 'region': region.code, 'departement': code})}"
        return ""

    places = dashboards.MEASURES[measure]
    territory_map = france_map(
        level=level,
        values=values,
        names=names,
        value_format=lambda value: format_figure(value, places),
        url_for=url_for,
        title=str(MEASURE_LABELS[measure]),
        zoom=list(values) if region else (),
    )
    projects = []
    if departement:
        projects = (
            Project.objects.submitted()
            .filter(departement=departement, call_id__in=scope.call_ids)
            .select_related("call", "decision")
            .order_by("call", "title", "pk")
        )
    totals = {
        key: sum((getattr(row, key) for row in rows), 0)
        for key in ("submitted", "assessed", "decided", "selected", "requested", "granted")
    }
    return render(
        request,
        "projects/dashboards/dashboard_territory.html",
        {
            "scope": scope,
            "measure": measure,
            "measures": list(MEASURE_LABELS.items()),
            "region": region,
            "departement": departement,
            "territory_error": territory_error,
            "level": level,
            "map": territory_map,
            "rows": rows,
            "totals": totals,
            "heatmap_url": reverse("projects:territory_heatmap")
            + "?"
            + urlencode({**scope.query(), **({"region": region.code} if region else {})}),
            "projects": projects,
            "back_url": f"{here}?{urlencode(base)}",
            "region_url": f"{here}?{urlencode({**base, 'region': region.code})}" if region else "",
        },
    )


def _reviewers_as_seen(request, project, criteria, *, is_manager: bool) -> list[dict]:
    """Each reviewer's total and scores, under the name the viewer may read."""
    scores = dashboards.project_reviewer_scores(project=project)["reviewers"]
    return [
        {
            "name": reviewer["shown_name"],
            "total": reviewer["total"],
            "values": [reviewer["values"].get(criterion.id) for criterion in criteria],
        }
        for reviewer in reviewers_as_seen(scores, viewer=request.user, is_manager=is_manager)
    ]


@login_required
def project_analysis(request, pk):
    """Per criterion: reviewers' mean and median, the self-assessment and the gap (journey 5)."""
    project = get_object_or_404(
        Project.objects.select_related(
            "call__grid_version",
            "departement",
            "organisation__commune",
            "organisation__checked_facts__commune",
        ),
        pk=pk,
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
            "aggregate": dashboards.project_aggregate(project=project),
            "gate": dashboards.project_gate(criteria),
            "self_figure": dashboards.project_self_figure(project=project, criteria=len(criteria)),
            **evidence_context(request, project, is_manager=is_manager),
            "can_decide": allowed(request, "projects.decide_project", project),
            "is_manager": is_manager,
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
    """The territory × criterion profile (mean normalised score), on one grid version. Its
    own block, loaded by htmx after the map: it reads every score of the calls (200,000 in
    the benchmark), so the map and the table do not wait for it. Without JavaScript, the
    link opens it as a page."""
    require(request, "projects.view_territory_dashboard")
    scope = _territory_scope(request)
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
    cells = (
        dashboards.territory_criterion_heatmap(
            call_ids=scope.call_ids,
            version_id=scope.version.pk,
            level=level,
            region=region.code if region else "",
        )
        if scope.version
        else {}
    )
    criteria = (
        list(
            Criterion.objects.filter(version=scope.version)
            .in_form_order()
            .values_list("code", flat=True)
        )
        if scope.version
        else []
    )
    criteria = [code for code in criteria if any(key[1] == code for key in cells)]

    def cell(share):
        if share is None:
            return {"text": format_figure(None), "level": "none"}
        # Five colour classes of 20 points, on the rounded figure the cell shows.
        shown = half_up(share * 100)
        return {"text": format_figure(shown), "level": min(int(shown) // 20 + 1, 5)}

    rows = [
        {"name": name, "cells": [cell(cells.get((code, criterion))) for criterion in criteria]}
        for code, name in names
        if any((code, criterion) in cells for criterion in criteria)
    ]
    template = (
        "projects/dashboards/_territory_heatmap.html"
        if request.headers.get("HX-Request")
        else "projects/dashboards/dashboard_territory_heatmap.html"
    )
    return render(
        request,
        template,
        {"heat_criteria": criteria, "heat_rows": rows, "region": region, "scope": scope},
    )


@login_required
def call_calibration(request, pk):
    """Reviewers' calibration and each criterion's score distribution for a call."""
    call = get_object_or_404(Call.objects.select_related("grid_version"), pk=pk)
    require(request, "projects.view_call_dashboard", call)
    # One table per scale, so that each criterion sits under its own levels.
    scales: dict[tuple[int, int], dict] = {}
    for row in dashboards.criterion_distribution(call=call):
        criterion = row["criterion"]
        scale = scales.setdefault(
            (criterion.scale_min, criterion.scale_max),
            {"levels": [value for value, _count in row["levels"]], "rows": []},
        )
        scale["rows"].append(row)
    return render(
        request,
        "projects/dashboards/dashboard_calibration.html",
        {
            "call": call,
            "reviewers": dashboards.reviewer_calibration(call=call),
            "scales": list(scales.values()),
            "outlier_bias": dashboards.OUTLIER_BIAS,
        },
    )


JUDGEMENT_PAGE_SIZE = 50


def _int_parameter(request, name: str, low: int, high: int) -> int | None:
    """A whole number from the query string within [low, high], None when absent or wrong."""
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if low <= value <= high else None


@login_required
def call_judgement(request, pk):
    """Judgement quality of a call: agreement between reviewers, reviewer offsets, the
    corrected ranking beside the raw one and the grey zone around a funding line."""
    call = get_object_or_404(Call.objects.select_related("grid_version"), pk=pk)
    require(request, "projects.view_call_dashboard", call)
    quality = dashboards.judgement_quality(call=call)
    ranking = request.GET.get("classement", "raw")
    if ranking not in RANKINGS:
        ranking = "raw"
    line = _int_parameter(request, "ligne", 1, max(quality.projects, 1))
    if "ligne" not in request.GET and call.funding_target:
        # By default, the number of projects the call means to fund (the committee's target).
        line = min(call.funding_target, max(quality.projects, 1))
    rows = quality.by(ranking)
    grey = {row.project_id for row in quality.grey_zone(line, ranking)} if line else set()
    pages = max((len(rows) + JUDGEMENT_PAGE_SIZE - 1) // JUDGEMENT_PAGE_SIZE, 1)
    page = _int_parameter(request, "page", 1, pages) or 1
    shown = rows[(page - 1) * JUDGEMENT_PAGE_SIZE : page * JUDGEMENT_PAGE_SIZE]
    base = {"classement": ranking, **({"ligne": line} if line else {})}
    return render(
        request,
        "projects/dashboards/dashboard_judgement.html",
        {
            "call": call,
            "quality": quality,
            "ranking": ranking,
            "ranking_label": RANKINGS[ranking],
            "rankings": list(RANKINGS.items()),
            "line": line,
            "grey": [row for row in rows if row.project_id in grey],
            "rows": [(row, row.project_id in grey) for row in shown],
            "page": page,
            "pages": pages,
            "previous_url": "?" + urlencode({**base, "page": page - 1}) if page > 1 else "",
            "next_url": "?" + urlencode({**base, "page": page + 1}) if page < pages else "",
            "thresholds": {
                "alpha_good": dashboards.judgement.ALPHA_GOOD,
                "alpha_fair": dashboards.judgement.ALPHA_FAIR,
                "icc_good": dashboards.judgement.ICC_GOOD,
                "icc_fair": dashboards.judgement.ICC_FAIR,
                "target": dashboards.judgement.TARGET_RELIABILITY,
            },
        },
    )
