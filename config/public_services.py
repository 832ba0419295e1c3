"""Settings of the State's services the app calls (README "French public services"), read
from the environment; config.settings imports them. Apart from the rest of the settings: each
service has its address, time limits and keys, and they change together."""

import os

# The State's services (README "French public services"). API Recherche d'entreprises: no key;
# its address, how long one call may take, and how often an answer is reused.
COMPANIES_API_URL = os.environ.get(
    "COMPANIES_API_URL", "https://recherche-entreprises.api.gouv.fr"
).rstrip("/")
COMPANIES_API_TIMEOUT = float(os.environ.get("COMPANIES_API_TIMEOUT", "4"))
COMPANIES_API_RETRIES = int(os.environ.get("COMPANIES_API_RETRIES", "2"))
COMPANIES_API_BACKOFF = float(os.environ.get("COMPANIES_API_BACKOFF", "0.5"))
# A `Retry-After` longer than this (seconds) is not waited for: the person types instead.
COMPANIES_API_MAX_WAIT = float(os.environ.get("COMPANIES_API_MAX_WAIT", "2"))
COMPANIES_CACHE_SECONDS = int(os.environ.get("COMPANIES_CACHE_SECONDS", str(24 * 3600)))
# Démarche numérique (démarches simplifiées) GraphQL API: imports of dossiers into calls.
# The tokens funders give are stored encrypted with DEMARCHES_TOKEN_KEY (a Fernet key:
# python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'),
# derived from SECRET_KEY when empty.
DEMARCHES_API_URL = os.environ.get(
    "DEMARCHES_API_URL", "https://www.demarches-simplifiees.fr/api/v2/graphql"
)
DEMARCHES_TOKEN_KEY = os.environ.get("DEMARCHES_TOKEN_KEY", "")
DEMARCHES_API_TIMEOUT = float(os.environ.get("DEMARCHES_API_TIMEOUT", "20"))
DEMARCHES_API_RETRIES = int(os.environ.get("DEMARCHES_API_RETRIES", "3"))
DEMARCHES_API_BACKOFF = float(os.environ.get("DEMARCHES_API_BACKOFF", "1"))
DEMARCHES_API_MAX_WAIT = float(os.environ.get("DEMARCHES_API_MAX_WAIT", "60"))

# ProConnect login (OpenID Connect, mozilla-django-oidc; accounts/proconnect.py). Off unless
# PROCONNECT_CLIENT_ID, PROCONNECT_CLIENT_SECRET and PROCONNECT_DOMAIN are set. The domain is
# the provider's host (e.g. auth.agentconnect.gouv.fr; fca.integ01.dev-agentconnect.fr for
# the integration environment); its endpoints are ProConnect's published ones under /api/v2
# (PROCONNECT_DOMAIN may also be a full base URL ending in /api/v2). The redirect URI to
# declare to ProConnect: <SITE_URL>/comptes/proconnect/retour/; the post-logout redirect URI:
# <SITE_URL>/comptes/proconnect/deconnexion/ (below).
PROCONNECT_CLIENT_ID = os.environ.get("PROCONNECT_CLIENT_ID", "")
PROCONNECT_CLIENT_SECRET = os.environ.get("PROCONNECT_CLIENT_SECRET", "")
PROCONNECT_DOMAIN = os.environ.get("PROCONNECT_DOMAIN", "").strip().rstrip("/")
PROCONNECT_ENABLED = bool(PROCONNECT_CLIENT_ID and PROCONNECT_CLIENT_SECRET and PROCONNECT_DOMAIN)
PROCONNECT_TIMEOUT = float(os.environ.get("PROCONNECT_TIMEOUT", "5"))
_PROCONNECT_BASE = (
    PROCONNECT_DOMAIN if "://" in PROCONNECT_DOMAIN else f"https://{PROCONNECT_DOMAIN}/api/v2"
)
OIDC_RP_CLIENT_ID = PROCONNECT_CLIENT_ID
OIDC_RP_CLIENT_SECRET = PROCONNECT_CLIENT_SECRET
OIDC_RP_SIGN_ALGO = os.environ.get("PROCONNECT_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email given_name usual_name uid siret"
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{_PROCONNECT_BASE}/authorize"
OIDC_OP_TOKEN_ENDPOINT = f"{_PROCONNECT_BASE}/token"
OIDC_OP_USER_ENDPOINT = f"{_PROCONNECT_BASE}/userinfo"
OIDC_OP_JWKS_ENDPOINT = f"{_PROCONNECT_BASE}/jwks"
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:proconnect_callback"
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": "eidas1"}
OIDC_TIMEOUT = PROCONNECT_TIMEOUT
OIDC_USE_NONCE = True
# Signing out of Évalis ends the ProConnect session too (RP-initiated logout), or the next
# person on a shared computer would get in as this one: the ID token of the login is kept in
# the session for `id_token_hint`, and accounts.proconnect.provider_logout_url sends the browser
# to the end-session endpoint, which comes back to PROCONNECT_POST_LOGOUT_REDIRECT_URI (to
# declare to ProConnect; empty: <this site>/comptes/proconnect/deconnexion/, from the request).
OIDC_STORE_ID_TOKEN = True
OIDC_OP_LOGOUT_ENDPOINT = f"{_PROCONNECT_BASE}/session/end"
OIDC_OP_LOGOUT_URL_METHOD = "accounts.proconnect.provider_logout_url"
PROCONNECT_POST_LOGOUT_REDIRECT_URI = os.environ.get(
    "PROCONNECT_POST_LOGOUT_REDIRECT_URI", ""
).strip()
