"""Calls, a call's projects, ranking and decisions."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response

from api.access import found, require
from api.figures import RankingSerializer
from api.filters import CallFilter, DecisionFilter, ProjectFilter
from api.serializers import CallProjectSerializer, CallSerializer, DecisionSerializer
from api.views.common import Action, Endpoint
from projects import dashboards
from projects.models import Call, Outcome, Project, ProjectStatus
from projects.selectors.calls import call_decisions, calls_visible
from projects.selectors.submissions import call_projects


def call_or_404(request, pk, perm):
    call = found(
        Call.objects.select_related("funder", "grid_version")
        .prefetch_related("regions", "departements")
        .get,
        pk=pk,
    )
    require(request, perm, call)
    return call


@extend_schema(tags=["appels"], summary="Appels / calls")
class CallList(Endpoint, ListAPIView):
    """Every published call, and the drafts of the calls the user manages."""

    serializer_class = CallSerializer
    filterset_class = CallFilter
    ordering_fields = ["id", "opens_at", "closes_at", "title"]
    ordering = ["id"]

    def get_queryset(self):
        return calls_visible(user=self.request.user)


@extend_schema(tags=["appels"], summary="Un appel / a call")
class CallDetail(Action, RetrieveAPIView):
    serializer_class = CallSerializer

    def get_object(self):
        return call_or_404(self.request, self.kwargs["pk"], "projects.view_call")


@extend_schema(tags=["appels"], summary="Les projets d'un appel / a call's projects")
class CallProjectList(Endpoint, ListAPIView):
    """The call's projects that count (drafts and withdrawals aside), with their review
    progress and self-assessment total, as on the call's management page."""

    serializer_class = CallProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["id", "title", "submitted_at", "updated_at"]
    ordering = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Project.objects.none()
        call = call_or_404(self.request, self.kwargs["pk"], "projects.manage_call")
        return call_projects(call=call)


RANKING_SORTS = [
    *dashboards.RANKING_ORDER,
    *(f"-{key}" for key in dashboards.RANKING_ORDER),
]


class RankingQuery(serializers.Serializer):
    sort = serializers.ChoiceField(choices=RANKING_SORTS, default="-mean", required=False)
    territory = serializers.CharField(required=False, default="", max_length=3)
    status = serializers.ChoiceField(
        choices=ProjectStatus.choices, required=False, default="", allow_blank=True
    )
    outcome = serializers.ChoiceField(
        choices=[*Outcome.choices, ("none", _("Sans décision"))],
        required=False,
        default="",
        allow_blank=True,
    )
    page = serializers.IntegerField(min_value=1, required=False, default=1)


@extend_schema(
    tags=["appels"],
    summary="Classement d'un appel / a call's ranking (the dashboard's figures)",
    parameters=[RankingQuery],
    responses=RankingSerializer,
)
class CallRanking(Action):
    """The call dashboard's ranking, from the same function: mean, median, min, max, range
    and sample standard deviation of the totals of the reviews that count, coverage, core
    gate, self-assessment and decision, each figure rounded once as the page shows it;
    sorted (`sort`, `-` for descending), filtered and paginated
    by page number as the dashboard is (50 rows a page)."""

    serializer_class = RankingSerializer

    def get(self, request, pk):
        call = call_or_404(request, pk, "projects.view_call_dashboard")
        query = RankingQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        page = dashboards.call_ranking(
            call=call,
            order=params["sort"].lstrip("-"),
            descending=params["sort"].startswith("-"),
            territory=params["territory"],
            status=params["status"],
            outcome=params["outcome"],
            page=params["page"],
        )
        return Response(RankingSerializer(page).data)


@extend_schema(
    tags=["décisions"],
    summary="Décisions d'un appel / a call's decisions",
    parameters=[OpenApiParameter("pk", int, OpenApiParameter.PATH)],
)
class CallDecisionList(Endpoint, ListAPIView):
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    ordering_fields = ["id", "decided_at"]
    ordering = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return call_decisions(call=None).none()
        call = call_or_404(self.request, self.kwargs["pk"], "projects.manage_call")
        return call_decisions(call=call)
