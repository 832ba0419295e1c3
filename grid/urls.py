from django.urls import path

from grid.views import editor, versions

app_name = "grid"
urlpatterns = [
    path("", versions.grid_list, name="grid_list"),
    path("nouvelle/", versions.grid_create_view, name="grid_create"),
    path("importer/", versions.grid_import, name="grid_import"),
    path("versions/<int:pk>/", versions.version_detail, name="version_detail"),
    path("versions/<int:pk>/modifier/", versions.version_edit, name="version_edit"),
    path(
        "versions/<int:pk>/nouvelle-version/",
        versions.version_new_draft,
        name="version_new_draft",
    ),
    path("versions/<int:pk>/publier/", versions.version_publish, name="version_publish"),
    path("versions/<int:pk>/retirer/", versions.version_retire, name="version_retire"),
    path("versions/<int:pk>/comparer/", versions.version_diff, name="version_diff"),
    path("versions/<int:pk>/export.json", versions.version_export, name="version_export"),
    path("versions/<int:pk>/axes/ajouter/", editor.axis_create_view, name="axis_create"),
    path("axes/<int:pk>/modifier/", editor.axis_edit, name="axis_edit"),
    path("axes/<int:pk>/supprimer/", editor.axis_delete_view, name="axis_delete"),
    path("axes/<int:pk>/deplacer/", editor.axis_move_view, name="axis_move"),
    path(
        "versions/<int:pk>/criteres/ajouter/", editor.criterion_create_view, name="criterion_create"
    ),
    path("criteres/<int:pk>/modifier/", editor.criterion_edit, name="criterion_edit"),
    path("criteres/<int:pk>/supprimer/", editor.criterion_delete_view, name="criterion_delete"),
    path("criteres/<int:pk>/deplacer/", editor.criterion_move_view, name="criterion_move"),
    path("criteres/<int:pk>/corriger/", editor.criterion_fix_text_view, name="criterion_fix_text"),
]
