"""A reviewer's list and review (draft, submission, optimistic locking), and a project's
reviews as its managers, or its reviewers under the call's visibility policy, read them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from api.access import allowed, found, require
from api.filters import AssignmentFilter
from api.serializers import (
    AssignmentSerializer,
    ConflictSerializer,
    ProjectReviewsSerializer,
    ReviewedProjectSerializer,
    ReviewSerializer,
    ReviewWriteSerializer,
)
from api.views.common import Action, Endpoint, conflict, criteria_by_code, scores_by_criterion
from projects import dashboards, services
from projects.models import Assessment, Assignment, Project, Score
from projects.selectors.reviewing import (
    own_review,
    project_for_review,
    review_status,
    reviewer_assignments,
    reviewers_as_seen,
)

PROJECT_PATH = [OpenApiParameter("pk", int, OpenApiParameter.PATH)]
CONFLICT = OpenApiResponse(
    ConflictSerializer, description="Version périmée ou évaluation déjà créée : relisez-la."
)


@extend_schema(tags=["évaluations"], summary="Mes évaluations à faire / my assignments")
class ReviewList(Endpoint, ListAPIView):
    """The reviewer's list "à évaluer" (recusals left out), with the status of each review;
    the holder's organisation is withheld in blind mode."""

    perm = "projects.list_reviews"
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Assignment.objects.none()
        return reviewer_assignments(user=self.request.user)

    def get_serializer(self, instance=None, *args, **kwargs):
        for assignment in instance or []:
            assignment.review_status = review_status(assignment)
        return super().get_serializer(instance, *args, **kwargs)


def _review_body(review, version_id) -> dict:
    codes = {c.pk: code for code, c in criteria_by_code(version_id).items()}
    return ReviewSerializer(review, context={"codes": codes}).data


def _project(request, pk, perm) -> Project:
    project = found(project_for_review, pk=pk)
    require(request, perm, project)
    return project


class Review(Action):
    serializer_class = ReviewSerializer

    @extend_schema(
        tags=["évaluations"], summary="Mon évaluation / my review", parameters=PROJECT_PATH
    )
    def get(self, request, pk):
        project = _project(request, pk, "projects.view_review")
        review = own_review(project=project, user=request.user)
        if review is None:
            raise NotFound(_("Aucune évaluation enregistrée : envoyez vos notes (PUT)."))
        return Response(_review_body(review, project.call.grid_version_id))

    @extend_schema(
        tags=["évaluations"],
        summary="Enregistrer mon évaluation / save my review (draft)",
        description=(
            "Les notes envoyées remplacent ou complètent les notes enregistrées. "
            "`row_version` : la version lue (null pour la première écriture) ; "
            "409 avec la version actuelle si quelqu'un a enregistré entre-temps. "
            "Une évaluation soumise reste modifiable tant que l'appel est en évaluation."
        ),
        request=ReviewWriteSerializer,
        responses={200: ReviewSerializer, 201: ReviewSerializer, 409: CONFLICT},
        parameters=PROJECT_PATH,
    )
    def put(self, request, pk):
        project = _project(request, pk, "projects.review_project")
        data = ReviewWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        criteria = criteria_by_code(project.call.grid_version_id)
        scores = scores_by_criterion(values["scores"], criteria)
        review = own_review(project=project, user=request.user)
        if review is not None and values.get("row_version") is None:
            return conflict(
                _("Une évaluation existe déjà : renvoyez la version lue (row_version)."),
                review.row_version,
            )
        if review is None and values.get("row_version") is not None:
            # The client read a review that no longer exists (or never did): stale too.
            return conflict(_("Aucune évaluation enregistrée : row_version doit être null."), None)
        try:
            saved = services.review_save(
                project=project,
                by=request.user,
                scores=scores,
                fields={name: values[name] for name in services.REVIEW_FIELDS if name in values},
                row_version=(
                    services.NEW_ASSESSMENT if review is None else values.get("row_version")
                ),
                assessment=review,
            )
        except services.StaleAssessment as error:
            current = own_review(project=project, user=request.user)
            return conflict(error.messages[0], current.row_version if current else None)
        except DjangoValidationError as error:
            if getattr(error, "code", None) != "duplicate":
                raise
            # Created meanwhile by a double submission or another tab.
            current = own_review(project=project, user=request.user)
            return conflict(error.messages[0], current.row_version if current else None)
        saved = own_review(project=project, user=request.user)
        return Response(
            _review_body(saved, project.call.grid_version_id),
            status=status.HTTP_201_CREATED if review is None else status.HTTP_200_OK,
        )


class ReviewedProject(Action):
    serializer_class = ReviewedProjectSerializer

    @extend_schema(
        tags=["évaluations"],
        summary="Le projet à évaluer / the project to review (blind mode: anonymous)",
        parameters=PROJECT_PATH,
    )
    def get(self, request, pk):
        project = _project(request, pk, "projects.view_review")
        return Response(ReviewedProjectSerializer(project).data)


class ReviewSubmit(Action):
    serializer_class = ReviewSerializer

    @extend_schema(
        tags=["évaluations"],
        summary="Soumettre mon évaluation / submit my review",
        description="400 avec ce qui manque (critères sans réponse, notes basses sans "
        "justification, avis global).",
        request=None,
        responses=ReviewSerializer,
        parameters=PROJECT_PATH,
    )
    def post(self, request, pk):
        project = _project(request, pk, "projects.review_project")
        review = own_review(project=project, user=request.user)
        if review is None:
            raise ValidationError(
                {"non_field_errors": [_("Enregistrez vos notes avant de soumettre.")]}
            )
        if not review.is_submitted:
            services.review_submit(assessment=review, by=request.user)
        review = own_review(project=project, user=request.user)
        return Response(_review_body(review, project.call.grid_version_id))


class ProjectReviews(Action):
    """The project's reviews that count, with the figures of the project analysis page: the
    call's managers read every reviewer by name; a reviewer, once the call's visibility policy
    lets them, reads the others anonymised."""

    serializer_class = ProjectReviewsSerializer

    @extend_schema(
        tags=["évaluations"],
        summary="Les évaluations d'un projet / a project's reviews and figures",
        parameters=PROJECT_PATH,
    )
    def get(self, request, pk):
        project = found(
            Project.objects.select_related("call__grid_version", "departement").get, pk=pk
        )
        require(request, "projects.view_project_analysis", project)
        is_manager = allowed(request, "projects.manage_call", project.call)
        criteria = dashboards.project_criteria(project=project)
        codes = {criterion.id: criterion.code for criterion in criteria}
        reviewers = reviewers_as_seen(
            dashboards.project_reviewer_scores(project=project)["reviewers"],
            viewer=request.user,
            is_manager=is_manager,
        )
        ids = [reviewer["assessment_id"] for reviewer in reviewers]
        texts = {
            review.pk: review
            for review in Assessment.objects.filter(pk__in=ids).only(
                "opinion", "strengths", "weaknesses"
            )
        }
        comments = {
            (assessment_id, criterion_id): comment
            for assessment_id, criterion_id, comment in Score.objects.filter(
                assessment_id__in=ids
            ).values_list("assessment_id", "criterion_id", "comment")
        }
        reviews = [
            {
                "reviewer": reviewer["shown_name"],
                "total": reviewer["total"],
                "opinion": texts[reviewer["assessment_id"]].opinion,
                "strengths": texts[reviewer["assessment_id"]].strengths,
                "weaknesses": texts[reviewer["assessment_id"]].weaknesses,
                "scores": [
                    {
                        "criterion": codes[criterion_id],
                        "value": value,
                        "comment": comments.get((reviewer["assessment_id"], criterion_id), ""),
                    }
                    for criterion_id, value in sorted(reviewer["values"].items())
                    if criterion_id in codes
                ],
            }
            for reviewer in reviewers
        ]
        body = {
            "aggregate": dashboards.project_aggregate(project=project),
            "criteria": criteria,
            "reviews": reviews,
        }
        return Response(ProjectReviewsSerializer(body).data)
