from django.urls import path

from projects import views, views_dashboards

app_name = "projects"
urlpatterns = [
    path("appels/", views.call_list, name="call_list"),
    path("appels/<int:pk>/", views.call_detail, name="call_detail"),
    path("appels/<int:call_pk>/deposer/", views.project_create, name="project_create"),
    path("financeur/appels/", views.funder_call_list, name="funder_call_list"),
    path("financeur/appels/nouveau/", views.call_create, name="call_create"),
    path("financeur/appels/<int:pk>/", views.call_manage, name="call_manage"),
    path("financeur/appels/<int:pk>/modifier/", views.call_edit, name="call_edit"),
    path("financeur/appels/<int:pk>/statut/", views.call_transition, name="call_transition"),
    path("projets/", views.project_list, name="project_list"),
    path("projets/<int:pk>/", views.project_detail, name="project_detail"),
    path("projets/<int:pk>/modifier/", views.project_edit, name="project_edit"),
    path("projets/<int:pk>/deposer/", views.project_submit, name="project_submit"),
    path("projets/<int:pk>/retirer/", views.project_withdraw, name="project_withdraw"),
    path("projets/<int:pk>/co-porteurs/", views.project_coholders, name="project_coholders"),
    path(
        "projets/<int:pk>/auto-evaluation/",
        views.self_assessment_edit,
        name="self_assessment_edit",
    ),
    path(
        "projets/<int:pk>/auto-evaluation/total/",
        views.self_assessment_total,
        name="self_assessment_total",
    ),
    path("projets/<int:pk>/pieces/", views.attachment_upload, name="attachment_upload"),
    path("pieces/<int:pk>/telecharger/", views.attachment_download, name="attachment_download"),
    path("pieces/<int:pk>/supprimer/", views.attachment_delete, name="attachment_delete"),
    # Dashboards (issue 7)
    path(
        "financeur/appels/<int:pk>/tableau-de-bord/",
        views_dashboards.call_dashboard,
        name="call_dashboard",
    ),
    path(
        "financeur/territoires/", views_dashboards.territory_dashboard, name="territory_dashboard"
    ),
    path(
        "financeur/appels/<int:pk>/calibration/",
        views_dashboards.call_calibration,
        name="call_calibration",
    ),
    path(
        "financeur/territoires/criteres/",
        views_dashboards.territory_heatmap,
        name="territory_heatmap",
    ),
    path(
        "financeur/projets/<int:pk>/analyse/",
        views_dashboards.project_analysis,
        name="project_analysis",
    ),
    # Reviewers
    path("evaluations/", views.review_list, name="review_list"),
    path("evaluations/projets/<int:pk>/", views.review_edit, name="review_edit"),
    path("evaluations/projets/<int:pk>/total/", views.review_total, name="review_total"),
    path("evaluations/projets/<int:pk>/conflit/", views.review_conflict, name="review_conflict"),
    path("evaluations/pieces/<int:pk>/", views.review_attachment, name="review_attachment"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Call managers
    path("financeur/appels/<int:pk>/evaluateurs/", views.call_reviewers, name="call_reviewers"),
    path("financeur/appels/<int:pk>/vivier/", views.call_pool, name="call_pool"),
    path("financeur/appels/<int:pk>/assigner/", views.call_assign, name="call_assign"),
    path(
        "financeur/appels/<int:pk>/assigner-auto/",
        views.call_assign_auto,
        name="call_assign_auto",
    ),
    path(
        "financeur/assignations/<int:pk>/recuser/",
        views.assignment_recuse,
        name="assignment_recuse",
    ),
    path("financeur/projets/<int:pk>/decision/", views.decision_edit, name="decision_edit"),
]
