"""The territory pages (figures per région and département on a map, the territory ×
criterion heatmap): thin views over projects.dashboards, one predicate each."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.permissions import require
from grid.models import Criterion
from projects import dashboards
from projects.forms import DashboardQueryForm
from projects.forms.calls import departement_outside_region
from projects.models import Call, Project
from projects.selectors.calls import TerritoryScope, territory_scope
from territories.figures import format_figure, half_up
from territories.maps import france_map
from territories.models import Departement, Region

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
