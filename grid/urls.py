from django.urls import path

from grid import views

app_name = "grid"
urlpatterns = [
    path("", views.grid_list, name="grid_list"),
    path("nouvelle/", views.grid_create_view, name="grid_create"),
    path("importer/", views.grid_import, name="grid_import"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/modifier/", views.version_edit, name="version_edit"),
    path("versions/<int:pk>/nouvelle-version/", views.version_new_draft, name="version_new_draft"),
    path("versions/<int:pk>/publier/", views.version_publish, name="version_publish"),
    path("versions/<int:pk>/retirer/", views.version_retire, name="version_retire"),
    path("versions/<int:pk>/comparer/", views.version_diff, name="version_diff"),
    path("versions/<int:pk>/export.json", views.version_export, name="version_export"),
    path("versions/<int:pk>/axes/ajouter/", views.axis_create_view, name="axis_create"),
    path("axes/<int:pk>/modifier/", views.axis_edit, name="axis_edit"),
    path("axes/<int:pk>/supprimer/", views.axis_delete_view, name="axis_delete"),
    path("axes/<int:pk>/deplacer/", views.axis_move_view, name="axis_move"),
    path(
        "versions/<int:pk>/criteres/ajouter/", views.criterion_create_view, name="criterion_create"
    ),
    path("criteres/<int:pk>/modifier/", views.criterion_edit, name="criterion_edit"),
    path("criteres/<int:pk>/supprimer/", views.criterion_delete_view, name="criterion_delete"),
    path("criteres/<int:pk>/deplacer/", views.criterion_move_view, name="criterion_move"),
    path("criteres/<int:pk>/corriger/", views.criterion_fix_text_view, name="criterion_fix_text"),
]
