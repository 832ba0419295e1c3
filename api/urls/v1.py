"""Version 1 of the REST API, under /api/v1/ (README, "API")."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import calls, figures, grid, projects, reviewing

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", title="API Évalis"),
        name="docs",
    ),
    path("me/", figures.Me.as_view(), name="me"),
    path("grid-versions/", grid.GridVersionList.as_view(), name="grid_version_list"),
    path("grid-versions/<int:pk>/", grid.GridVersionDetail.as_view(), name="grid_version_detail"),
    path("calls/", calls.CallList.as_view(), name="call_list"),
    path("calls/<int:pk>/", calls.CallDetail.as_view(), name="call_detail"),
    path("calls/<int:pk>/projects/", calls.CallProjectList.as_view(), name="call_projects"),
    path("calls/<int:pk>/ranking/", calls.CallRanking.as_view(), name="call_ranking"),
    path("calls/<int:pk>/decisions/", calls.CallDecisionList.as_view(), name="call_decisions"),
    path("projects/", projects.ProjectList.as_view(), name="project_list"),
    path("projects/<int:pk>/", projects.ProjectDetail.as_view(), name="project_detail"),
    path("projects/<int:pk>/submit/", projects.ProjectSubmit.as_view(), name="project_submit"),
    path(
        "projects/<int:pk>/self-assessment/",
        projects.SelfAssessment.as_view(),
        name="self_assessment",
    ),
    path("projects/<int:pk>/feedback/", projects.ProjectFeedback.as_view(), name="feedback"),
    path("projects/<int:pk>/reviews/", reviewing.ProjectReviews.as_view(), name="project_reviews"),
    path("projects/<int:pk>/review/", reviewing.Review.as_view(), name="review"),
    path(
        "projects/<int:pk>/review/project/",
        reviewing.ReviewedProject.as_view(),
        name="review_project",
    ),
    path(
        "projects/<int:pk>/review/submit/", reviewing.ReviewSubmit.as_view(), name="review_submit"
    ),
    path("reviews/", reviewing.ReviewList.as_view(), name="review_list"),
    path("territories/", figures.TerritoryFigures.as_view(), name="territories"),
]
