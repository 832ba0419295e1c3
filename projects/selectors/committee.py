"""Reads of the selection committee: the reviewers' opinions of a project and of a call's
projects, the envelope and what is committed against it, what a publication would do, and the
call's journal.

Figures new to this module (not in `projects.dashboards`, which computes the review totals):
the opinion counts and the mean and median recommended amounts per project, and the envelope's
committed sums. Each is one statement; the median's middle rows are chosen in SQL by window
functions, as the dashboards do for totals."""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import CharField, Count, F, FilteredRelation, Prefetch, Q, Sum, Window
from django.db.models.functions import Cast, RowNumber

from accounts.models import AuditEvent
from grid.models import in_viewer_language
from projects.models import (
    HIDDEN_PROJECT_STATUSES,
    Assessment,
    Assignment,
    Call,
    Decision,
    DecisionStatus,
    Opinion,
    Outcome,
    Project,
    ProjectStatus,
    Score,
)

# --- One project's reviews ------------------------------------------------------------------


def project_reviews(*, project):
    """The reviews of the project that count (submitted, author neither in conflict nor
    recused), oldest first, with their author and their scores (criterion order): what the
    decision is taken on. Three queries whatever the number of reviews."""
    scores = Score.objects.select_related("criterion__axis").order_by(
        "criterion__axis__position", "criterion__position", "criterion__code"
    )
    return (
        Assessment.objects.counted_reviews()
        .filter(project=project)
        .select_related("author")
        .prefetch_related(Prefetch("scores", queryset=scores))
        .order_by("pk")
    )


EVIDENCE_COLUMNS = (
    "pk",
    "author_id",
    "author__full_name",
    "author__email",
    "opinion",
    "total",
    "strengths",
    "weaknesses",
    "recommended_amount",
    "commented__value",
    "commented__comment",
    "commented__criterion__code",
    "commented__criterion__label",
    "commented__criterion__label_en",
    "commented__criterion__scale_max",
)


def project_evidence(*, project) -> list[dict]:
    """`project_reviews` as plain rows, in one query: each review that counts (oldest first)
    with its author's name and e-mail and, in criterion order, the scores it commented
    (`comments`: code, label in the viewer's language, value, scale maximum, comment). What
    the analysis and decision pages show, without building a model instance per score."""
    rows = (
        Assessment.objects.counted_reviews()
        .filter(project=project)
        .annotate(commented=FilteredRelation("scores", condition=~Q(scores__comment="")))
        .order_by(
            "pk",
            "commented__criterion__axis__position",
            "commented__criterion__position",
            "commented__criterion__code",
        )
        .values_list(*EVIDENCE_COLUMNS)
    )
    reviews: dict[int, dict] = {}
    for row in rows:
        values = dict(zip(EVIDENCE_COLUMNS, row, strict=True))
        review = reviews.get(values["pk"])
        if review is None:
            review = reviews[values["pk"]] = {**values, "comments": []}
        comment = values["commented__comment"]
        if comment is not None and comment.strip():
            review["comments"].append(
                {
                    "code": values["commented__criterion__code"],
                    "label": in_viewer_language(
                        {
                            "label": values["commented__criterion__label"],
                            "label_en": values["commented__criterion__label_en"],
                        },
                        "label",
                    ),
                    "value": values["commented__value"],
                    "scale_max": values["commented__criterion__scale_max"],
                    "comment": comment,
                }
            )
    return list(reviews.values())


@dataclass(frozen=True)
class OpinionSummary:
    favourable: int = 0
    reserved: int = 0
    unfavourable: int = 0
    recommended_count: int = 0
    recommended_mean: Fraction | None = None
    recommended_median: Fraction | None = None

    @property
    def reviews(self) -> int:
        return self.favourable + self.reserved + self.unfavourable


def opinion_summary_of(reviews: list[dict]) -> OpinionSummary | None:
    """`opinion_summaries` of one project from its reviews that count as `project_evidence`
    reads them (None without any): the same counts, mean and median, without querying
    again what the page has already read."""
    if not reviews:
        return None
    opinions = [review["opinion"] for review in reviews]
    amounts = sorted(
        review["recommended_amount"]
        for review in reviews
        if review["recommended_amount"] is not None
    )
    n = len(amounts)
    middle = amounts[(n - 1) // 2 : n // 2 + 1] if n else []
    return OpinionSummary(
        favourable=opinions.count(Opinion.FAVOURABLE),
        reserved=opinions.count(Opinion.RESERVED),
        unfavourable=opinions.count(Opinion.UNFAVOURABLE),
        recommended_count=n,
        recommended_mean=Fraction(sum(amounts, Decimal(0))) / n if n else None,
        recommended_median=Fraction(sum(middle, Decimal(0))) / len(middle) if middle else None,
    )


def _counted(projects_filter: Q):
    return Assessment.objects.counted_reviews().filter(projects_filter)


def opinion_summaries(*, call=None, project=None, project_ids=None) -> dict[int, OpinionSummary]:
    """Per project (of `call`, of the `project_ids` of a committee page, or `project` alone):
    the counts of favourable, reserved and unfavourable opinions, and the mean and median of
    the recommended amounts, over the reviews that count. Two queries whatever the number of
    projects."""
    if call is not None:
        scope = Q(project__call=call)
    elif project_ids is not None:
        scope = Q(project_id__in=project_ids)
    else:
        scope = Q(project=project)
    counts = (
        _counted(scope)
        .order_by()
        .values("project_id")
        .annotate(
            favourable=Count("pk", filter=Q(opinion=Opinion.FAVOURABLE)),
            reserved=Count("pk", filter=Q(opinion=Opinion.RESERVED)),
            unfavourable=Count("pk", filter=Q(opinion=Opinion.UNFAVOURABLE)),
            recommended_count=Count("recommended_amount"),
            recommended_sum=Sum("recommended_amount"),
        )
    )
    # The median's middle row (odd count) or two middle rows (even count), chosen in SQL.
    ranked = (
        _counted(scope & Q(recommended_amount__isnull=False))
        .order_by()
        .annotate(
            rn=Window(
                RowNumber(), partition_by=[F("project_id")], order_by=F("recommended_amount").asc()
            ),
            cnt=Window(Count("pk"), partition_by=[F("project_id")]),
        )
        .values_list("project_id", "recommended_amount", "rn", "cnt")
    )
    middles: dict[int, list[Decimal]] = {}
    for project_id, amount, rn, cnt in ranked:
        if rn in ((cnt + 1) // 2, (cnt + 2) // 2):
            middles.setdefault(project_id, []).append(amount)
    result = {}
    for row in counts:
        n = row["recommended_count"]
        middle = middles.get(row["project_id"], [])
        result[row["project_id"]] = OpinionSummary(
            favourable=row["favourable"],
            reserved=row["reserved"],
            unfavourable=row["unfavourable"],
            recommended_count=n,
            # Exact, rounded once at display (design §4).
            recommended_mean=Fraction(Decimal(row["recommended_sum"])) / n if n else None,
            recommended_median=(
                Fraction(sum(middle, Decimal(0))) / len(middle) if middle else None
            ),
        )
    return result


# --- The envelope ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    envelope: Decimal | None
    target: int | None
    published_amount: Decimal
    proposed_amount: Decimal
    published_selected: int
    proposed_selected: int

    @property
    def committed(self) -> Decimal:
        return self.published_amount + self.proposed_amount

    @property
    def remaining(self) -> Decimal | None:
        return None if self.envelope is None else self.envelope - self.committed

    @property
    def exceeded(self) -> bool:
        return self.envelope is not None and self.committed > self.envelope

    @property
    def selected(self) -> int:
        return self.published_selected + self.proposed_selected

    @property
    def beyond_target(self) -> bool:
        return self.target is not None and self.selected > self.target

    @property
    def percent(self) -> int | None:
        """Share of the envelope committed, for the bar (capped at 100)."""
        if not self.envelope:
            return None
        return min(100, int(self.committed * 100 / self.envelope))


def _selected_decisions(call):
    return Decision.objects.filter(
        project__call=call, outcome=Outcome.SELECTED, amount_granted__isnull=False
    ).exclude(project__status__in=HIDDEN_PROJECT_STATUSES)


def selected_total(*, call, exclude_project=None) -> Decimal:
    """The amounts of the call's selected projects, proposed and published (one query)."""
    decisions = _selected_decisions(call)
    if exclude_project is not None:
        decisions = decisions.exclude(project=exclude_project)
    return decisions.aggregate(total=Sum("amount_granted"))["total"] or Decimal(0)


def envelope_summary(*, call) -> Envelope:
    """The call's envelope, what its selected projects commit (published and proposed) and
    what is left (one query)."""
    published = Q(status=DecisionStatus.PUBLISHED)
    proposed = Q(status=DecisionStatus.PROPOSED)
    sums = _selected_decisions(call).aggregate(
        published_amount=Sum("amount_granted", filter=published),
        proposed_amount=Sum("amount_granted", filter=proposed),
        published_selected=Count("pk", filter=published),
        proposed_selected=Count("pk", filter=proposed),
    )
    return Envelope(
        envelope=call.budget_envelope,
        target=call.funding_target,
        published_amount=sums["published_amount"] or Decimal(0),
        proposed_amount=sums["proposed_amount"] or Decimal(0),
        published_selected=sums["published_selected"],
        proposed_selected=sums["proposed_selected"],
    )


def call_decisions(*, call, project_ids=None) -> dict[int, Decision]:
    """The decisions of the call's projects (or of its `project_ids` only), by project id
    (one query)."""
    decisions = Decision.objects.filter(project__call=call).exclude(
        project__status__in=HIDDEN_PROJECT_STATUSES
    )
    if project_ids is not None:
        decisions = decisions.filter(project_id__in=project_ids)
    return {decision.project_id: decision for decision in decisions}


def proposed_count(*, call) -> int:
    """How many of the call's decisions are proposed, not yet published (one query)."""
    return (
        Decision.objects.filter(project__call=call, status=DecisionStatus.PROPOSED)
        .exclude(project__status__in=HIDDEN_PROJECT_STATUSES)
        .count()
    )


# --- Publication ----------------------------------------------------------------------------


@dataclass
class PublicationLine:
    decision: Decision
    recipients: list[str] = field(default_factory=list)


@dataclass
class PublicationPlan:
    """What publishing would do: each decision with the holders it e-mails, and the envelope
    once these are published."""

    lines: list[PublicationLine]
    envelope: Decimal | None
    published_amount: Decimal
    publishing_amount: Decimal
    problems: list[str] = field(default_factory=list)

    @property
    def total_after(self) -> Decimal:
        return self.published_amount + self.publishing_amount

    @property
    def over_envelope(self) -> Decimal | None:
        """How far beyond the envelope the published amounts would go (None: within)."""
        if self.envelope is None or self.total_after <= self.envelope:
            return None
        return self.total_after - self.envelope

    @property
    def email_count(self) -> int:
        return sum(len(line.recipients) for line in self.lines)


def project_recipients(project_ids) -> dict[int, list[str]]:
    """The addresses of each project's holders (owner first, then co-holders), two queries."""
    recipients: dict[int, list[str]] = {}
    for pk, email in Project.objects.filter(pk__in=project_ids).values_list("pk", "owner__email"):
        recipients.setdefault(pk, []).append(email)
    links = Project.co_holders.through.objects.filter(project_id__in=project_ids)
    for pk, email in links.values_list("project_id", "user__email").order_by("user__email"):
        if email not in recipients.setdefault(pk, []):
            recipients[pk].append(email)
    return recipients


def publication_plan(*, call, decision_ids=None) -> PublicationPlan:
    """The proposed decisions of the call's projects that count (those of `decision_ids`, or
    all), in ranking-independent title order, with their recipients and the envelope after
    publication. Already published decisions are left out: publishing twice does nothing."""
    decisions = (
        Decision.objects.proposed()
        .filter(project__call=call)
        .exclude(project__status__in=HIDDEN_PROJECT_STATUSES)
        .select_related("project__organisation")
        .order_by("project__title", "pk")
    )
    if decision_ids is not None:
        decisions = decisions.filter(pk__in=list(decision_ids))
    decisions = list(decisions)
    recipients = project_recipients([d.project_id for d in decisions])
    lines = [PublicationLine(d, recipients.get(d.project_id, [])) for d in decisions]
    publishing = sum(
        (d.amount_granted or Decimal(0) for d in decisions if d.outcome == Outcome.SELECTED),
        Decimal(0),
    )
    published = (
        _selected_decisions(call)
        .filter(status=DecisionStatus.PUBLISHED)
        .aggregate(total=Sum("amount_granted"))["total"]
    ) or Decimal(0)
    return PublicationPlan(
        lines=lines,
        envelope=call.budget_envelope,
        published_amount=published,
        publishing_amount=publishing,
    )


# --- The call's journal ---------------------------------------------------------------------


def call_history(*, call: Call):
    """The audit events of the call's life, newest first: the call itself (settings, status,
    pool, assignments, publications) and its submitted projects, their assignments and their
    decisions. Drafts' events stay private to their holders. One query."""

    # Content types matched by name in the same statement (not through ContentType's cache,
    # whose state would make the page's query count vary).
    def of(model, keys):
        return Q(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            object_id__in=keys.annotate(key=Cast("pk", output_field=CharField())).values("key"),
        )

    projects = Project.objects.filter(call=call).exclude(status=ProjectStatus.DRAFT)
    return (
        AuditEvent.objects.filter(
            of(Call, Call.objects.filter(pk=call.pk))
            | of(Project, projects)
            | of(Assignment, Assignment.objects.filter(project__call=call))
            | of(Decision, Decision.objects.filter(project__call=call))
        )
        .select_related("actor", "content_type")
        .order_by("-created_at", "-pk")
    )
