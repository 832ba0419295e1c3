from django.urls import path

from integrations import views

app_name = "integrations"
urlpatterns = [
    path("financeur/appels/<int:pk>/demarche-numerique/", views.demarche, name="demarche"),
    path(
        "financeur/appels/<int:pk>/demarche-numerique/correspondance/",
        views.demarche_map,
        name="demarche_map",
    ),
    path(
        "financeur/appels/<int:pk>/demarche-numerique/importer/",
        views.demarche_import,
        name="demarche_import",
    ),
    path(
        "financeur/appels/<int:pk>/demarche-numerique/progression/",
        views.demarche_progress,
        name="demarche_progress",
    ),
    path(
        "financeur/appels/<int:pk>/demarche-numerique/report-des-decisions/",
        views.demarche_writeback,
        name="demarche_writeback",
    ),
    path(
        "financeur/appels/<int:pk>/demarche-numerique/report-des-decisions/reessayer/",
        views.demarche_writeback_retry,
        name="demarche_writeback_retry",
    ),
]
