"""The call dashboard (the ranking, with disagreement, self-assessment and progress) and the
analysis of one project behind a row: thin views over projects.dashboards, one predicate each."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.permissions import allowed, require
from projects import dashboards, services
from projects.forms import DashboardQueryForm, RankingFilterForm
from projects.models import Call, Outcome, Project
from projects.selectors.reviewing import reviewers_as_seen
from projects.selectors.search import search_projects
from projects.templatetags.figures import gate_state, percent, self_figure
from projects.views.common import RANKINGS, ranking_in_view
from projects.views.evidence import evidence_context
from territories.figures import DASH, format_figure, number_separators

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
        # No ordering: an ORDER BY in the ids' subquery keeps PostgreSQL from merging it
        # into the ranking's statement (it would sort the matches before joining them).
        project_ids=search_projects(Project.objects.filter(call=call), search)
        .order_by()
        .values("pk")
        if search
        else None,
    )


def ranking_cells(rows, outcomes: dict) -> list[dict]:
    """The call dashboard's rows, their figures written here rather than by template
    filters: 50 rows of 14 cells a page, where a filter or a nested lookup costs ten times
    the call it makes; the language's separators and the link's pattern are read once."""
    separators = number_separators()
    # The analysis link of any project: its path around a stand-in id.
    head, tail = reverse("projects:project_analysis", args=[0]).rsplit("/0/", 1)
    return [_cells(row, outcomes, separators, f"{head}/{{}}/{tail}") for row in rows]


def _cells(row, outcomes, separators, url) -> dict:
    totals = row.figures.totals

    def figure(value):
        return format_figure(value, 2, separators=separators)

    return {
        "project_id": row.project_id,
        "title": row.title,
        "url": url.format(row.project_id),
        "corrected_rank": DASH if row.corrected_rank is None else str(row.corrected_rank),
        "territory": f"{row.departement_name} ({row.departement_code})"
        if row.departement_code
        else DASH,
        "status": row.get_status_display(),
        "reviews": f"{row.figures.reviews}/{row.assigned}",
        "without_total": row.figures.without_total,
        "disagreement": row.figures.disagreement,
        "mean": figure(totals.mean),
        "median": figure(totals.median),
        "min": figure(totals.minimum),
        "max": figure(totals.maximum),
        "range": figure(totals.range),
        "std_dev": figure(totals.std_dev),
        "coverage": percent(row.coverage, 1),
        "gate": gate_state(row.gate),
        "self": self_figure(
            row.self_assessment.status,
            row.self_assessment.total,
            row.self_assessment.answered,
            row.self_assessment.criteria,
        ),
        "outcome": outcomes.get(row.outcome) or DASH,
    }


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
            "rows": ranking_cells(page.rows, outcomes),
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
        # No join the page does not read (the grid version's id is on the call): PostgreSQL
        # spends more time planning a wide join than running it.
        Project.objects.select_related(
            "call", "organisation__commune", "organisation__checked_facts__commune"
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
