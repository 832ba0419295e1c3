"""Reads of API tokens."""

import hashlib

from api.models import ApiToken

TOKEN_PREFIX = "evl_"


def token_digest(raw: str) -> str:
    """The stored form of a secret: SHA-256 (the secrets are 256 random bits, so a slow hash
    adds nothing but time to every request)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_for(*, raw: str) -> ApiToken | None:
    """The active token whose secret is `raw`, with its user, or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    return ApiToken.objects.active().select_related("user").filter(digest=token_digest(raw)).first()


def api_tokens_of(*, user):
    """The user's tokens, active ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "pk")
