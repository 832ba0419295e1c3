"""The account's API tokens (pages)."""

from django.urls import path

from api.views import tokens

app_name = "api_tokens"
urlpatterns = [
    path("", tokens.token_list, name="token_list"),
    path("<int:pk>/revoquer/", tokens.token_revoke, name="token_revoke"),
]
