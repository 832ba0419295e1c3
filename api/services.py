"""Writes of API tokens."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from api.models import ApiToken, IdempotentRequest
from api.selectors import TOKEN_PREFIX, token_digest

# The last use is written at most this often: a client polling the API must not turn every
# read into a write.
LAST_USE_PRECISION = timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret, which is never stored and never shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Donnez un nom au jeton (l'outil qui l'utilise).")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:100], prefix=raw[:12], digest=token_digest(raw))
    token.full_clean()
    token.save()
    audit_record(actor=user, action="api_token.create", obj=token, after={"name": token.name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke the token at once: the next request that presents it is refused."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=by, action="api_token.revoke", obj=token)
    return token


def api_token_touch(*, token: ApiToken, now=None) -> None:
    """Record that the token was just used (at most once per `LAST_USE_PRECISION`)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def idempotency_claim(*, user, key: str, path: str) -> tuple[IdempotentRequest, bool]:
    """The record of `key` for `user`, and whether this request just claimed it. Called in the
    caller's transaction, with the creation it guards: a refused creation frees the key, and
    the same key sent twice at once waits on the unique constraint."""
    return IdempotentRequest.objects.get_or_create(user=user, key=key, defaults={"path": path})


def idempotency_store(*, record: IdempotentRequest, status_code: int, body) -> None:
    """Keep the answer given to the request that claimed the key."""
    record.status_code, record.body = status_code, body
    record.save(update_fields=["status_code", "body"])
