"""Personal API tokens, sent as `Authorization: Bearer <jeton>`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from api.selectors import api_token_for
from api.services import api_token_touch


class ApiTokenAuthentication(BaseAuthentication):
    """The token's user, exactly: the same predicates answer for them as on the pages."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("En-tête Authorization invalide : « Bearer <jeton> »."))
        token = api_token_for(raw=parts[1].decode("latin-1"))
        if token is None or not token.user.is_active:
            raise AuthenticationFailed(_("Jeton inconnu ou révoqué."))
        api_token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request):
        # A 401 (not 403) for a request without credentials, telling the client how to send them.
        return 'Bearer realm="api"'


# How the OpenAPI schema describes the scheme (drf-spectacular finds it by its target class).


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "jetonPersonnel"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Jeton personnel créé depuis « Mon compte » › « Jetons d'API » / "
                "a personal token created from the account page."
            ),
        }
