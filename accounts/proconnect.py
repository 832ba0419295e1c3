"""ProConnect login (OpenID Connect, through mozilla-django-oidc). Off unless configured
(PROCONNECT_CLIENT_ID, PROCONNECT_CLIENT_SECRET, PROCONNECT_DOMAIN: config/settings.py).

ProConnect answers the userinfo request with a signed JWT (`application/jwt`), not JSON: it
is verified against the provider's JWKS like the ID token. Its claims: `email`, `given_name`,
`usual_name`, `uid`, `siret`. The person is found by e-mail or created without a password;
the `siret` claim links them to their organisation (accounts.views_proconnect proposes to
create it from the registries when it is not registered yet).

Signing out of Évalis ends the ProConnect session as well (RP-initiated logout): the ID token
of the login stays in the session (OIDC_STORE_ID_TOKEN) to be sent back as `id_token_hint`,
with a random `state` that the return page checks (views_proconnect)."""

import logging
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.crypto import get_random_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import User
from accounts.outgoing import ServiceError, send

logger = logging.getLogger(__name__)

# Where the ProConnect claims wait for the page after the login (views_proconnect).
SESSION_SIRET = "proconnect_siret"
# Where mozilla-django-oidc keeps the ID token of the login (OIDC_STORE_ID_TOKEN).
SESSION_ID_TOKEN = "oidc_id_token"
# The `state` of a sign-out sent to ProConnect, waiting for its return in the session that
# follows the signed-in one.
SESSION_LOGOUT_STATE = "proconnect_logout_state"


def signed_in_through_proconnect(request) -> bool:
    """Whether this session's person came through ProConnect and may still be signed in
    there (its ID token is what ProConnect needs to end that session)."""
    id_token = request.session.get(SESSION_ID_TOKEN)
    return bool(
        settings.PROCONNECT_ENABLED
        and request.user.is_authenticated
        and isinstance(id_token, str)
        and id_token
    )


def provider_logout_url(request) -> str:
    """OIDC_OP_LOGOUT_URL_METHOD: where the browser goes once the Évalis session is ended.

    For a ProConnect login, the provider's end-session endpoint with the ID token, a fresh
    `state` and the return page; otherwise the usual page after a sign-out. The state is left
    on the request, not in the session: mozilla-django-oidc's logout view empties the session
    right after calling this, and accounts.views_proconnect.LogoutView keeps the state in the
    anonymous session that follows."""
    if not signed_in_through_proconnect(request):
        return resolve_url(settings.LOGOUT_REDIRECT_URL)
    state = get_random_string(32)
    request.proconnect_logout_state = state
    params = {
        "id_token_hint": request.session[SESSION_ID_TOKEN],
        "state": state,
        "post_logout_redirect_uri": settings.PROCONNECT_POST_LOGOUT_REDIRECT_URI
        or request.build_absolute_uri(reverse("accounts:proconnect_logout_return")),
    }
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(params)}"


class ProConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not settings.PROCONNECT_ENABLED:
            return None
        return super().authenticate(request, **kwargs)

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo JWT, its signature checked against the JWKS, its audience ours."""
        try:
            response = send(
                "GET",
                self.OIDC_OP_USER_ENDPOINT,
                service="ProConnect",
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=settings.PROCONNECT_TIMEOUT,
                retries=1,
                backoff=0.2,
                max_wait=2,
            )
        except ServiceError as error:
            raise SuspiciousOperation(f"userinfo: {error.code}") from None
        if response.status_code != 200:
            raise SuspiciousOperation(f"userinfo answered {response.status_code}")
        content_type = response.headers.get("Content-Type", "")
        if "json" in content_type and "jwt" not in content_type:
            raise SuspiciousOperation("userinfo is not a signed JWT")
        token = response.text.strip()
        try:
            key = self.retrieve_matching_jwk(token)
            return jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                options={"require": ["sub"]},
            )
        except (jwt.PyJWTError, KeyError, ValueError) as error:
            raise SuspiciousOperation(f"userinfo JWT refused: {error}") from None

    def verify_claims(self, claims):
        return bool(claims.get("email")) and bool(claims.get("sub"))

    def create_user(self, claims):
        user = User.objects.create_user(
            email=str(claims["email"]).strip().lower()[:254],
            password=None,
            full_name=_full_name(claims),
        )
        self._remember_siret(claims)
        return user

    def update_user(self, user, claims):
        if not user.full_name and _full_name(claims):
            user.full_name = _full_name(claims)
            user.save(update_fields=["full_name"])
        self._remember_siret(claims)
        return user

    def _remember_siret(self, claims):
        siret = "".join(str(claims.get("siret") or "").split())
        if siret.isdigit() and len(siret) == 14:
            self.request.session[SESSION_SIRET] = siret
        else:
            self.request.session.pop(SESSION_SIRET, None)


def _full_name(claims) -> str:
    parts = (str(claims.get("given_name") or "").strip(), str(claims.get("usual_name") or ""))
    return " ".join(part.strip() for part in parts if part.strip())[:150]
