"""Timing the main pages on the standard data set: median and p95 through the test client,
with DEBUG off, and the SQL queries of one request."""

import statistics
import time

from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from accounts.models import User
from projects import dashboards, services
from projects.dashboards import PAGE_SIZE
from projects.models import Assessment, Project
from projects.scoring import comment_required

# `bench --only GROUP`: the pages of each group.
GROUPS = {
    "dashboard": (
        "call_dashboard",
        "call_dashboard_sorted",
        "call_dashboard_filtered",
        "call_dashboard_search",
        "call_dashboard_last_page",
        "call_dashboard_middle_page",
    ),
    "territory": ("territory_dashboard", "territory_heatmap"),
    "calibration": ("call_calibration",),
    "judgement": ("call_judgement",),
    "analysis": ("project_analysis",),
    "forms": (
        "scoring_form_get",
        "scoring_form_post",
        "self_assessment_get",
        "self_assessment_post",
    ),
    "committee": ("call_committee",),
    # The dashboard's statements alone, without rendering: how the SQL grows with the call.
    "sql": (
        "sql_ranking_first",
        "sql_ranking_sorted",
        "sql_ranking_filtered",
        "sql_ranking_last",
        "sql_progress",
        "sql_refresh_summary",
    ),
}


class QueryCounter:
    """A connection execute wrapper counting the SQL statements run while it is installed."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def bench_measure(*, call, requests: int, warmup: int, only=None) -> dict:
    """Each page's median and p95 over `requests` timed requests after `warmup` ones, and
    the queries of one request, keyed as in the JSON report; `only`: some GROUPS."""
    funder = User.objects.get(email="financeur@banc.invalid")
    holder = User.objects.get(email="porteur@banc.invalid")
    reviewer = User.objects.get(email="evaluateur1@banc.invalid")
    project = call.projects.order_by("pk").first()
    draft = Project.objects.filter(owner=holder, status="draft").first()
    criteria = list(call.grid_version.criteria.order_by("position", "code"))
    review = Assessment.objects.get(project=project, author=reviewer, kind="review")
    review_values = dict(review.scores.values_list("criterion_id", "value"))
    # The reviewer re-saves their own submitted review with the values they gave, so the
    # measured data set stays the one described (its 200,000 scores are unchanged). A
    # submitted review needs an overall opinion and a justification of minimum scores.
    review_post = {"action": "draft", "opinion": "favourable", "strengths": "Ancrage local."}
    for criterion in criteria:
        value = review_values[criterion.pk]
        review_post[f"score_{criterion.pk}"] = str(value)
        if comment_required(criterion, value):
            review_post[f"comment_{criterion.pk}"] = "Aucun élément à ce sujet dans le dossier."
    self_post = {
        f"score_{criterion.pk}": str(index % 6) for index, criterion in enumerate(criteria)
    }
    review_url = reverse("projects:review_edit", args=[project.pk])
    self_url = reverse("projects:self_assessment_edit", args=[draft.pk])
    dashboard = reverse("projects:call_dashboard", args=[call.pk])
    last_page = max((call.projects.count() + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    pages = {
        # The call dashboard: first page (best mean first), sorted by another column,
        # filtered by région and decision, searched, its last page and its middle page (the
        # farthest from either end of the index).
        "call_dashboard": (funder, "get", dashboard, None),
        "call_dashboard_sorted": (funder, "get", dashboard + "?sort=-std_dev", None),
        "call_dashboard_filtered": (
            funder,
            "get",
            dashboard + f"?territory={project.region_id}&outcome=none&sort=median",
            None,
        ),
        "call_dashboard_search": (funder, "get", dashboard + "?q=projet+0042", None),
        "call_dashboard_last_page": (
            funder,
            "get",
            dashboard + f"?sort=title&page={last_page}",
            None,
        ),
        "call_dashboard_middle_page": (
            funder,
            "get",
            dashboard + f"?sort=-median&page={(last_page + 1) // 2}",
            None,
        ),
        "call_calibration": (
            funder,
            "get",
            reverse("projects:call_calibration", args=[call.pk]),
            None,
        ),
        "call_committee": (
            funder,
            "get",
            reverse("projects:call_committee", args=[call.pk]),
            None,
        ),
        "territory_dashboard": (
            funder,
            "get",
            reverse("projects:territory_dashboard") + f"?call={call.pk}",
            None,
        ),
        # Not a budgeted page: the heatmap block the territory page loads by htmx.
        "territory_heatmap": (
            funder,
            "get",
            reverse("projects:territory_heatmap") + f"?call={call.pk}",
            None,
        ),
        "project_analysis": (
            funder,
            "get",
            reverse("projects:project_analysis", args=[project.pk]),
            None,
        ),
        # The call's judgement-quality panel (issue 14: within 300 ms): the warm-up request
        # computes it once, the measured ones read it from the cache like any later view.
        "call_judgement": (
            funder,
            "get",
            reverse("projects:call_judgement", args=[call.pk]) + "?ligne=200",
            None,
        ),
        # The reviewer's scoring form on a project of the measured call (5 reviews).
        "scoring_form_get": (reviewer, "get", review_url, None),
        "scoring_form_post": (
            reviewer,
            "post",
            review_url,
            # The form carries the review's row version (optimistic locking): read afresh
            # before each request, outside the timing, as the GET before it would give it.
            lambda: {
                **review_post,
                "row_version": Assessment.objects.get(pk=review.pk).row_version,
            },
        ),
        # Not a budgeted page: the holder's self-assessment form (same form class).
        "self_assessment_get": (holder, "get", self_url, None),
        "self_assessment_post": (
            holder,
            "post",
            self_url,
            lambda: {**self_post, "row_version": _self_row_version(draft)},
        ),
    }
    wanted = {key for group in (only or GROUPS) for key in GROUPS[group]}
    pages = {key: page for key, page in pages.items() if key in wanted}
    results = {}
    # The test client renders through every middleware; static files need no manifest.
    # DEBUG off as in production: no query log kept, no debug page on an error.
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        for key, (user, method, url, data) in pages.items():
            # The heatmap is requested as htmx does, for its partial.
            headers = {"HX-Request": "true"} if key == "territory_heatmap" else {}
            client = Client()
            client.force_login(user)
            expected = (302,) if method == "post" else (200,)
            for _warm in range(warmup):
                _request(client, method, url, _data(data), expected, headers)
            # An execute wrapper rather than CaptureQueriesContext: request_started resets
            # the captured log, and the connection may be reopened by the request.
            counter = QueryCounter()
            posted = _data(data)
            with connection.execute_wrapper(counter):
                _request(client, method, url, posted, expected, headers)
            timings = []
            for _run in range(requests):
                posted = _data(data)
                started = time.perf_counter()
                _request(client, method, url, posted, expected, headers)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            results[key] = {
                "median_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[max(int(len(timings) * 0.95 + 0.5) - 1, 0)], 1),
                "queries": counter.count,
            }
    results.update(_statements(call, project, last_page, requests, warmup, wanted))
    return results


def _statements(call, project, last_page, requests, warmup, wanted) -> dict:
    """The call dashboard's statements timed alone (no request, no rendering)."""
    statements = {
        "sql_ranking_first": lambda: dashboards.call_ranking(call=call),
        "sql_ranking_sorted": lambda: dashboards.call_ranking(call=call, order="std_dev"),
        "sql_ranking_filtered": lambda: dashboards.call_ranking(
            call=call, territory=project.region_id, outcome="none", order="median"
        ),
        "sql_ranking_last": lambda: dashboards.call_ranking(
            call=call, order="title", descending=False, page=last_page
        ),
        "sql_progress": lambda: dashboards.call_progress(call=call),
        # What every write adds: one project's summary and its reviewers' progress.
        "sql_refresh_summary": lambda: services.refresh_project_summary(project=project.pk),
    }
    results = {}
    for key, statement in statements.items():
        if key not in wanted:
            continue
        for _warm in range(warmup):
            statement()
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            statement()
        timings = []
        for _run in range(requests):
            started = time.perf_counter()
            statement()
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        results[key] = {
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[max(int(len(timings) * 0.95 + 0.5) - 1, 0)], 1),
            "queries": counter.count,
        }
    return results


def _data(data):
    return data() if callable(data) else data


def _request(client, method, url, data, expected, headers=None):
    response = getattr(client, method)(url, data or {}, headers=headers)
    if response.status_code not in expected:
        raise CommandError(f"{method.upper()} {url} : statut {response.status_code}")
    return response


def _self_row_version(project) -> int:
    """The row version the self-assessment form would carry (0 before its first save)."""
    assessment = project.assessments.self_assessments().only("row_version").first()
    return assessment.row_version if assessment else services.NEW_ASSESSMENT
