"""The Démarche numérique tokens, encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256).
The key is DEMARCHES_TOKEN_KEY when set, else derived from SECRET_KEY: changing either
makes the stored tokens unreadable, and the funder types theirs again."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = settings.DEMARCHES_TOKEN_KEY
    if not key:
        digest = hashlib.sha256(b"evalis.integrations.token:" + settings.SECRET_KEY.encode())
        key = base64.urlsafe_b64encode(digest.digest()).decode()
    return Fernet(key.encode())


def token_encrypt(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode()


def token_decrypt(encrypted: str) -> str | None:
    """The token, or None when it cannot be read (the key changed)."""
    try:
        return _fernet().decrypt(encrypted.encode()).decode()
    except (InvalidToken, ValueError):
        return None
