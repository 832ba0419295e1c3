from django.urls import path

from projects.views import (
    committee,
    exports,
    funder,
    holder,
    journal,
    judgement,
    landing,
    public,
    ranking,
    reviewer,
    territory,
)

app_name = "projects"
urlpatterns = [
    path("accueil/", landing.landing, name="landing"),
    path("appels/", public.call_list, name="call_list"),
    path("appels/<int:pk>/", public.call_detail, name="call_detail"),
    path("appels/<int:call_pk>/deposer/", holder.project_create, name="project_create"),
    path("financeur/appels/", funder.funder_call_list, name="funder_call_list"),
    path("financeur/appels/nouveau/", funder.call_create, name="call_create"),
    path("financeur/appels/<int:pk>/", funder.call_manage, name="call_manage"),
    path("financeur/appels/<int:pk>/modifier/", funder.call_edit, name="call_edit"),
    path("financeur/appels/<int:pk>/statut/", funder.call_transition, name="call_transition"),
    path("projets/", holder.project_list, name="project_list"),
    path("projets/<int:pk>/", holder.project_detail, name="project_detail"),
    path("projets/<int:pk>/modifier/", holder.project_edit, name="project_edit"),
    path("projets/<int:pk>/deposer/", holder.project_submit, name="project_submit"),
    path("projets/<int:pk>/retirer/", holder.project_withdraw, name="project_withdraw"),
    path("projets/<int:pk>/co-porteurs/", holder.project_coholders, name="project_coholders"),
    path(
        "projets/<int:pk>/auto-evaluation/",
        holder.self_assessment_edit,
        name="self_assessment_edit",
    ),
    path(
        "projets/<int:pk>/auto-evaluation/total/",
        holder.self_assessment_total,
        name="self_assessment_total",
    ),
    path(
        "projets/<int:pk>/auto-evaluation/brouillon/",
        holder.self_assessment_autosave,
        name="self_assessment_autosave",
    ),
    path("projets/<int:pk>/pieces/", holder.attachment_upload, name="attachment_upload"),
    path("pieces/<int:pk>/telecharger/", holder.attachment_download, name="attachment_download"),
    path("pieces/<int:pk>/supprimer/", holder.attachment_delete, name="attachment_delete"),
    # Dashboards
    path(
        "financeur/appels/<int:pk>/tableau-de-bord/",
        ranking.call_dashboard,
        name="call_dashboard",
    ),
    path("financeur/territoires/", territory.territory_dashboard, name="territory_dashboard"),
    path(
        "financeur/appels/<int:pk>/calibration/",
        judgement.call_calibration,
        name="call_calibration",
    ),
    path(
        "financeur/appels/<int:pk>/qualite-du-jugement/",
        judgement.call_judgement,
        name="call_judgement",
    ),
    path(
        "financeur/territoires/criteres/",
        territory.territory_heatmap,
        name="territory_heatmap",
    ),
    path(
        "financeur/projets/<int:pk>/analyse/",
        ranking.project_analysis,
        name="project_analysis",
    ),
    # Reviewers
    path("evaluations/", reviewer.review_list, name="review_list"),
    path("evaluations/projets/<int:pk>/", reviewer.review_edit, name="review_edit"),
    path("evaluations/projets/<int:pk>/total/", reviewer.review_total, name="review_total"),
    path(
        "evaluations/projets/<int:pk>/brouillon/",
        reviewer.review_autosave,
        name="review_autosave",
    ),
    path("evaluations/projets/<int:pk>/conflit/", reviewer.review_conflict, name="review_conflict"),
    path("evaluations/pieces/<int:pk>/", reviewer.review_attachment, name="review_attachment"),
    path("invitations/<str:token>/", public.invitation_accept, name="invitation_accept"),
    # Call managers
    path("financeur/appels/<int:pk>/evaluateurs/", funder.call_reviewers, name="call_reviewers"),
    path("financeur/appels/<int:pk>/vivier/", funder.call_pool, name="call_pool"),
    path("financeur/appels/<int:pk>/assigner/", funder.call_assign, name="call_assign"),
    path(
        "financeur/appels/<int:pk>/assigner-auto/",
        funder.call_assign_auto,
        name="call_assign_auto",
    ),
    path(
        "financeur/assignations/<int:pk>/recuser/",
        funder.assignment_recuse,
        name="assignment_recuse",
    ),
    path("financeur/appels/<int:pk>/retards/", funder.call_late, name="call_late"),
    path("financeur/appels/<int:pk>/relancer/", funder.call_remind, name="call_remind"),
    path("financeur/appels/<int:pk>/echeances/", funder.call_due_dates, name="call_due_dates"),
    # The selection committee
    path("financeur/projets/<int:pk>/decision/", committee.decision_edit, name="decision_edit"),
    path("financeur/appels/<int:pk>/comite/", committee.call_committee, name="call_committee"),
    path(
        "financeur/appels/<int:pk>/comite/publier/",
        committee.decisions_publish,
        name="decisions_publish",
    ),
    # Downloads
    path("financeur/appels/<int:pk>/export/", exports.call_export, name="call_export"),
    path("projets/<int:pk>/pdf/", exports.project_pdf, name="project_pdf"),
    path(
        "financeur/appels/<int:pk>/comite/livret.pdf",
        exports.call_booklet_pdf,
        name="call_booklet_pdf",
    ),
    path(
        "financeur/appels/<int:pk>/donnees-ouvertes/",
        exports.call_open_data,
        name="call_open_data",
    ),
    path(
        "financeur/appels/<int:pk>/donnees-ouvertes/subventions.csv",
        exports.export_scdl,
        name="export_scdl",
    ),
    path(
        "financeur/appels/<int:pk>/donnees-ouvertes/dispositif-aide.csv",
        exports.export_dispositif,
        name="export_dispositif",
    ),
    path("financeur/appels/<int:pk>/historique/", journal.call_history, name="call_history"),
    path(
        "financeur/assignations/<int:pk>/rouvrir/",
        funder.assignment_reopen,
        name="assignment_reopen",
    ),
]
