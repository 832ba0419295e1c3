"""A call's calibration (reviewers and score distributions) and judgement quality (agreement,
corrected ranking, grey zone): thin views over projects.dashboards, one predicate each."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from accounts.permissions import require
from projects import dashboards
from projects.models import Call
from projects.views.common import RANKINGS


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
