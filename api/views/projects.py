"""A holder's projects: list, creation, draft edits, submission and self-assessment."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from accounts.models import Organisation, Role
from accounts.selectors import organisation_ids
from api.access import allowed, found, require
from api.filters import ProjectFilter
from api.serializers import (
    AssessmentSerializer,
    AssessmentWriteSerializer,
    ConflictSerializer,
    FeedbackSerializer,
    ProjectCreateSerializer,
    ProjectListSerializer,
    ProjectSerializer,
    ProjectWriteSerializer,
)
from api.views.common import (
    IDEMPOTENCY_HEADER,
    Action,
    Endpoint,
    conflict,
    criteria_by_code,
    idempotent,
    scores_by_criterion,
)
from projects import services
from projects.dashboards import project_feedback
from projects.models import Call, Decision, EligibilityItem, Project
from projects.selectors.submissions import project_detail, projects_for_holder, self_assessment_of

PROJECT_PATH = [OpenApiParameter("pk", int, OpenApiParameter.PATH)]


def project_or_404(request, pk, perm) -> Project:
    project = found(project_detail, pk=pk)
    require(request, perm, project)
    return project


def _eligibility(call, ids):
    if ids is None:
        return None
    items = list(EligibilityItem.objects.filter(call=call, pk__in=ids))
    if len(items) != len(set(ids)):
        raise ValidationError({"eligibility": [_("Critère d'éligibilité inconnu pour cet appel.")]})
    return items


class ProjectList(Endpoint, ListAPIView):
    """GET: the projects of the holder's organisations (the holder's "Mes projets"); POST:
    a new draft on an open call."""

    serializer_class = ProjectListSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["id", "title", "updated_at", "submitted_at"]
    ordering = ["id"]

    def get_queryset(self):
        return projects_for_holder(user=self.request.user)

    @extend_schema(
        tags=["projets"], summary="Mes projets / my projects", operation_id="projects_list"
    )
    def get(self, request, *args, **kwargs):
        require(request, "projects.list_projects")
        return self.list(request, *args, **kwargs)

    @extend_schema(
        tags=["projets"],
        summary="Créer un projet (brouillon) / create a draft project",
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                description="La même clé renvoie la même réponse, sans second projet.",
            )
        ],
    )
    def post(self, request):
        data = ProjectCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        call = Call.objects.filter(pk=fields.pop("call")).first()
        if call is None:
            raise ValidationError({"call": [_("Appel inconnu.")]})
        require(request, "projects.start_project", call)
        holder_of = organisation_ids(request.user, Role.HOLDER)
        organisation_id = fields.pop("organisation", None)
        if organisation_id is None and len(holder_of) == 1:
            (organisation_id,) = holder_of
        if organisation_id not in holder_of:
            raise ValidationError(
                {"organisation": [_("Choisissez une structure dont vous êtes porteur.")]}
            )
        eligibility = _eligibility(call, fields.pop("eligibility", None)) or ()

        def create():
            project = services.project_create(
                call=call,
                organisation=Organisation.objects.get(pk=organisation_id),
                owner=request.user,
                eligibility=eligibility,
                **fields,
            )
            body = ProjectSerializer(project_detail(pk=project.pk)).data
            return Response(body, status=status.HTTP_201_CREATED)

        return idempotent(request, create)


class ProjectDetail(Action):
    serializer_class = ProjectSerializer

    @extend_schema(tags=["projets"], summary="Un projet / a project", parameters=PROJECT_PATH)
    def get(self, request, pk):
        project = project_or_404(request, pk, "projects.view_project")
        return Response(ProjectSerializer(project).data)

    @extend_schema(
        tags=["projets"],
        summary="Modifier un brouillon / edit a draft",
        request=ProjectWriteSerializer,
        responses=ProjectSerializer,
        parameters=PROJECT_PATH,
    )
    def patch(self, request, pk):
        project = project_or_404(request, pk, "projects.change_project")
        data = ProjectWriteSerializer(project, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        eligibility = _eligibility(project.call, fields.pop("eligibility", None))
        services.project_update(project=project, by=request.user, eligibility=eligibility, **fields)
        return Response(ProjectSerializer(project_detail(pk=project.pk)).data)


class ProjectSubmit(Action):
    serializer_class = ProjectSerializer

    @extend_schema(
        tags=["projets"],
        summary="Déposer le projet / submit the project (and its self-assessment)",
        request=None,
        responses=ProjectSerializer,
        parameters=PROJECT_PATH,
    )
    def post(self, request, pk):
        project = project_or_404(request, pk, "projects.change_project")
        services.project_submit(project=project, by=request.user)
        return Response(ProjectSerializer(project_detail(pk=project.pk)).data)


class SelfAssessment(Action):
    serializer_class = AssessmentSerializer

    def _body(self, project):
        assessment = self_assessment_of(project)
        codes = {c.pk: code for code, c in criteria_by_code(project.call.grid_version_id).items()}
        return AssessmentSerializer(assessment, context={"codes": codes}).data

    @extend_schema(
        tags=["projets"], summary="L'auto-évaluation / the self-assessment", parameters=PROJECT_PATH
    )
    def get(self, request, pk):
        project = project_or_404(request, pk, "projects.view_project")
        if self_assessment_of(project) is None:
            raise NotFound(_("Aucune auto-évaluation enregistrée."))
        return Response(self._body(project))

    @extend_schema(
        tags=["projets"],
        summary="Enregistrer l'auto-évaluation / save self-assessment scores",
        request=AssessmentWriteSerializer,
        responses={
            200: AssessmentSerializer,
            409: OpenApiResponse(ConflictSerializer, description="Version périmée."),
        },
        parameters=PROJECT_PATH,
    )
    def put(self, request, pk):
        project = project_or_404(request, pk, "projects.change_project")
        if not project.call.asks_self_assessment:
            raise ValidationError(
                {"non_field_errors": [_("Cet appel ne prévoit pas d'auto-évaluation.")]}
            )
        data = AssessmentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        criteria = criteria_by_code(project.call.grid_version_id)
        scores = scores_by_criterion(data.validated_data["scores"], criteria)
        row_version = data.validated_data.get("row_version")
        try:
            services.self_assessment_save(
                project=project,
                by=request.user,
                scores=scores,
                # null in the API: the first write, which no one else may have made meanwhile
                row_version=services.NEW_ASSESSMENT if row_version is None else row_version,
            )
        except services.StaleAssessment as error:
            current = self_assessment_of(project)
            return conflict(error.messages[0], current.row_version if current else None)
        return Response(self._body(project))


class ProjectFeedback(Action):
    """What the holder reads after the decision, per the call's feedback policy: the decision,
    the anonymised comments and, in full mode, the reviewers' means per criterion."""

    serializer_class = FeedbackSerializer

    @extend_schema(
        tags=["décisions"],
        summary="Décision et retour au porteur / decision and feedback",
        parameters=PROJECT_PATH,
    )
    def get(self, request, pk):
        project = project_or_404(request, pk, "projects.view_project")
        require(request, "projects.view_decision", project)
        # The call's managers read a proposed decision; the holder, a published one only.
        decisions = Decision.objects.filter(project=project)
        if not allowed(request, "projects.manage_call", project.call):
            decisions = decisions.published()
        decision = decisions.select_related("project").first()
        comments, figures = project_feedback(project=project) if decision else ([], {})
        return Response(
            FeedbackSerializer(
                {
                    "decision": decision,
                    "comments": comments,
                    "criteria": list(figures.values()),
                }
            ).data
        )
