from django.contrib import admin
from django.urls import include, path

from grid import views as grid_views

urlpatterns = [
    path("", grid_views.home, name="home"),
    path("comptes/", include("accounts.urls")),
    path("comptes/jetons-api/", include("api.urls.tokens")),
    path("api/v1/", include("api.urls.v1")),
    path("territoires/", include("territories.urls")),
    path("grille/", include("grid.urls")),
    path("", include("projects.urls")),
    path("", include("integrations.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "config.views.server_error"
