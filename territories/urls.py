from django.urls import path

from territories import views

app_name = "territories"
urlpatterns = [
    path("communes/recherche/", views.commune_search, name="commune_search"),
]
