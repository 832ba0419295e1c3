"""ProConnect login (OpenID Connect, through mozilla-django-oidc). Off unless configured
(PROCONNECT_CLIENT_ID, PROCONNECT_CLIENT_SECRET, PROCONNECT_DOMAIN: config/settings.py).

ProConnect answers the userinfo request with a signed JWT (`application/jwt`), not JSON: it
is verified against the provider's JWKS like the ID token. Its claims: `email`, `given_name`,
`usual_name`, `uid`, `siret`. The person is found by e-mail or created without a password;
the `siret` claim links them to their organisation (accounts.views_proconnect proposes to
create it from the registries when it is not registered yet)."""

import logging

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import User
from accounts.outgoing import ServiceError, send

logger = logging.getLogger(__name__)

# Where the ProConnect claims wait for the page after the login (views_proconnect).
SESSION_SIRET = "proconnect_siret"


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
