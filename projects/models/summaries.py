"""What the dashboards aggregate, kept per project and maintained on write (issue 20).

A project's summary is recomputed from its raw reviews in the same transaction as any write
that changes them (`projects.services.summaries`), so that a dashboard page reads a few
indexed rows instead of aggregating every review of the call. The call-wide summaries (per
reviewer, per territory, per territory × criterion) are sums of what each project adds to
them (`ProjectSummary.contributions`): a write adds the difference its project's new
contribution makes, so it costs the same whatever the call's size.

Exact values only: totals as fractions ("numérateur/dénominateur", `Assessment.total_*`),
sums of fractions as fractions, counts and sums of raw scores as integers; the `*_key` and
`*_units` columns (totals in units of 10⁻¹⁰ point) are sort keys, never figures shown.
"""

from django.db import models
from django.db.models import F
from django.db.models.lookups import IsNull
from django.utils.translation import gettext_lazy as _

# The ranking's sort keys (`dashboards.ranking.RANKING_ORDER`) → their column.
SORT_KEYS = {
    "title": "title",
    "status": "status",
    "territory": "territory_key",
    "reviews": "reviews",
    "assigned": "assigned",
    "mean": "mean_key",
    "median": "median_key",
    "min": "min_units",
    "max": "max_units",
    "range": "range_key",
    "std_dev": "variance_key",
    "coverage": "coverage_key",
    "gate": "gate_code",
    "self": "self_units",
    "outcome": "outcome",
}


class ProjectSummary(models.Model):
    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="figures",
        verbose_name=_("projet"),
    )
    call = models.ForeignKey(
        "projects.Call", on_delete=models.CASCADE, related_name="+", verbose_name=_("appel")
    )
    # Reviews that count (design §4), all-"sans objet" ones included; `scored`: with a total.
    reviews = models.PositiveIntegerField(default=0)
    scored = models.PositiveIntegerField(default=0)
    sum_units = models.BigIntegerField(null=True)
    min_units = models.BigIntegerField(null=True)
    max_units = models.BigIntegerField(null=True)
    # The exact totals ("n/d"), comma-separated: mean, median, min, max and sample deviation
    # are computed from them at display.
    totals = models.TextField(blank=True, default="")
    scored_criteria = models.PositiveIntegerField(default=0)
    criteria = models.PositiveIntegerField(default=0)  # criteria of the call's version
    assigned = models.PositiveIntegerField(default=0)  # assignments still standing
    # 0 failed, 1 unassessed, 2 passed; NULL: the version sets no core threshold.
    gate_code = models.SmallIntegerField(null=True)
    self_status = models.CharField(max_length=10, blank=True, default="")
    self_units = models.BigIntegerField(null=True)  # a submitted self-assessment's total (key)
    self_total = models.CharField(max_length=60, blank=True, default="", db_default="")  # "n/d"
    self_answered = models.PositiveIntegerField(default=0)  # a draft's answered criteria
    # What the project adds to each reviewer's progress ("reviewer:done,…"): a write applies
    # the difference to ReviewerSummary instead of recounting the reviewer's whole workload.
    standing = models.TextField(blank=True, default="")
    # What the project adds to the call-wide summaries (JSON, `dashboards.contributions`):
    # a write applies the difference between the old and the new contribution.
    contributions = models.TextField(blank=True, default="", db_default="")
    # The project as the ranking filters and sorts it, copied on each refresh, so that a page
    # is read from this table alone: visible (neither draft nor withdrawn), title, status,
    # territory (codes, and the département's position for sorting) and decision outcome.
    visible = models.BooleanField(default=False)
    title = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=20, blank=True, default="")
    region_code = models.CharField(max_length=3, blank=True, default="")
    departement_code = models.CharField(max_length=3, blank=True, default="")
    territory_key = models.PositiveSmallIntegerField(null=True)
    outcome = models.CharField(max_length=20, null=True)
    # Sort keys (exact figures come from the columns above).
    mean_key = models.FloatField(null=True)
    median_key = models.FloatField(null=True)
    range_key = models.BigIntegerField(null=True)
    variance_key = models.FloatField(null=True)
    coverage_key = models.FloatField(null=True)

    class Meta:
        verbose_name = _("synthèse d'un projet")
        verbose_name_plural = _("synthèses des projets")
        # One index per sort key and direction, in the ranking's order: the call, projects
        # without a value last, the key, then the project (`dashboards.ranking`): a page is an
        # index range read, the last as cheap as the first. Over the visible rows only (what
        # the ranking reads), so that the rows before a page are skipped in the index alone
        # (an index-only scan), the middle page of 20,000 projects as cheap as the first.
        indexes = [
            models.Index(
                F("call"),
                IsNull(F(key), True),
                F(key).desc() if descending else F(key),
                F("project"),
                name=f"summary_{name}_{'desc' if descending else 'asc'}",
                condition=models.Q(visible=True),
            )
            for name, key in SORT_KEYS.items()
            for descending in (False, True)
        ] + [
            # The ranking's count and filters, read from the index alone.
            models.Index(
                fields=["call", "visible", "status", "outcome", "region_code", "departement_code"],
                name="summary_call_filters",
            )
        ]

    def __str__(self):
        return f"{self.project_id}: {self.reviews}"


class ReviewerSummary(models.Model):
    """A reviewer's standing in one call: assignments expected and reviews done (progress);
    reviews that count, the exact sum of their totals and of their gaps to the other
    reviewers' mean on shared projects (calibration)."""

    call = models.ForeignKey(
        "projects.Call", on_delete=models.CASCADE, related_name="+", verbose_name=_("appel")
    )
    reviewer = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("évaluateur")
    )
    # Plain integers: a write adds a signed difference (INSERT … ON CONFLICT, whose inserted
    # row is checked before the conflict is resolved).
    expected = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    reviews = models.IntegerField(default=0, db_default=0)  # reviews that count
    scored = models.IntegerField(default=0, db_default=0)  # of them, with a total
    total_sum = models.TextField(default="0", db_default="0")  # Σ, "n/d"
    # Totals on projects another reviewer also scored, and Σ (total − others' mean) of them.
    shared = models.IntegerField(default=0, db_default=0)
    gap_sum = models.TextField(default="0", db_default="0")

    class Meta:
        verbose_name = _("synthèse d'un évaluateur")
        verbose_name_plural = _("synthèses des évaluateurs")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "reviewer"],
                name="reviewer_summary_unique",
                violation_error_message=_("Cet évaluateur a déjà une synthèse pour cet appel."),
            )
        ]

    def __str__(self):
        return f"{self.reviewer_id}@{self.call_id}: {self.done}/{self.expected}"


class TerritorySummary(models.Model):
    """One call's projects in one territory (région and département codes; "" where the
    project has no commune): the territory dashboard's counts, amounts in cents, and the exact
    sum of the projects' mean totals (each project once)."""

    call = models.ForeignKey(
        "projects.Call", on_delete=models.CASCADE, related_name="+", verbose_name=_("appel")
    )
    region_code = models.CharField(max_length=3, blank=True, default="")
    departement_code = models.CharField(max_length=3, blank=True, default="")
    submitted = models.IntegerField(default=0)
    assessed = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)  # published decisions
    selected = models.IntegerField(default=0)
    requested_cents = models.BigIntegerField(default=0)
    granted_cents = models.BigIntegerField(default=0)
    scored_projects = models.IntegerField(default=0)
    mean_sum = models.TextField(default="0", db_default="0")  # Σ project mean totals, "n/d"

    class Meta:
        verbose_name = _("synthèse d'un territoire")
        verbose_name_plural = _("synthèses des territoires")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "region_code", "departement_code"],
                name="territory_summary_unique",
                violation_error_message=_("Ce territoire a déjà une synthèse pour cet appel."),
            )
        ]

    def __str__(self):
        return f"{self.call_id}/{self.region_code}/{self.departement_code}: {self.submitted}"


class CriterionSummary(models.Model):
    """One call's reviewers' scores of one criterion in one territory: their sum and count
    (the heatmap's mean normalised value) and the "sans objet" answers."""

    call = models.ForeignKey(
        "projects.Call", on_delete=models.CASCADE, related_name="+", verbose_name=_("appel")
    )
    region_code = models.CharField(max_length=3, blank=True, default="")
    departement_code = models.CharField(max_length=3, blank=True, default="")
    criterion = models.ForeignKey(
        "grid.Criterion", on_delete=models.CASCADE, related_name="+", verbose_name=_("critère")
    )
    value_sum = models.BigIntegerField(default=0)
    scores = models.IntegerField(default=0)
    not_applicable = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("synthèse d'un critère")
        verbose_name_plural = _("synthèses des critères")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "region_code", "departement_code", "criterion"],
                name="criterion_summary_unique",
                violation_error_message=_("Ce critère a déjà une synthèse pour ce territoire."),
            )
        ]

    def __str__(self):
        return f"{self.call_id}/{self.departement_code}/{self.criterion_id}: {self.scores}"


class LevelSummary(models.Model):
    """How often one level of one criterion was given in a call's reviews that count (the
    calibration page's distributions); "sans objet" is counted by `CriterionSummary`."""

    call = models.ForeignKey(
        "projects.Call", on_delete=models.CASCADE, related_name="+", verbose_name=_("appel")
    )
    criterion = models.ForeignKey(
        "grid.Criterion", on_delete=models.CASCADE, related_name="+", verbose_name=_("critère")
    )
    level = models.SmallIntegerField()
    scores = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("synthèse d'un niveau")
        verbose_name_plural = _("synthèses des niveaux")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "criterion", "level"],
                name="level_summary_unique",
                violation_error_message=_("Ce niveau a déjà une synthèse pour cet appel."),
            )
        ]

    def __str__(self):
        return f"{self.call_id}/{self.criterion_id}={self.level}: {self.scores}"


class CallSummary(models.Model):
    """A call's revision: bumped by every write that refreshes one of its projects' summaries,
    in the same transaction, so that a figure computed from the whole call (the judgement
    panel) is cached under it and read again only when something changed."""

    call = models.OneToOneField(
        "projects.Call",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("appel"),
    )
    revision = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("révision d'un appel")
        verbose_name_plural = _("révisions des appels")

    def __str__(self):
        return f"{self.call_id}: {self.revision}"
