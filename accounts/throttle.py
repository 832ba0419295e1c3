"""Throttling of the unauthenticated forms that send e-mails (sign-up, password reset), per
address typed and per client address, with django-ratelimit counting in the shared
"ratelimit" cache. Login failures are django-axes' (config/settings.py).

The counts are the same whether or not the address has an account: the throttle answers
nothing about who is registered."""

import ipaddress
import math

from django.conf import settings
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from accounts.models import User

# action → (setting of the rate per address typed, setting of the rate per client address)
RATES = {
    "signup": ("THROTTLE_SIGNUP_PER_EMAIL", "THROTTLE_SIGNUP_PER_IP"),
    "password_reset": ("THROTTLE_RESET_PER_EMAIL", "THROTTLE_RESET_PER_IP"),
}


def client_address(request) -> str:
    """The client's address for the per-address counts (RATELIMIT_IP_META_KEY). Behind the
    reverse proxy (BEHIND_PROXY) every request comes from the proxy: the client is the last
    address the proxy appended to X-Forwarded-For (Caddy replaces a client's own header).
    Never raises: an unreadable value falls back to REMOTE_ADDR, then to one shared bucket."""
    candidates = []
    if settings.BEHIND_PROXY:
        candidates.append(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return "0.0.0.0"


def throttle_wait(request, *, action: str, email: str) -> int:
    """Count one request of `action` for `email` and the client's address; the seconds to
    wait before trying again when either count is over its rate, 0 otherwise."""
    email_rate, ip_rate = (getattr(settings, name) for name in RATES[action])
    address = User.objects.normalize_email(email or "").strip().lower()
    wait = 0
    for group, key, rate in (
        (f"{action}:email", lambda group, request: address, email_rate),
        (f"{action}:ip", "ip", ip_rate),
    ):
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
        if usage is not None and usage["should_limit"]:
            wait = max(wait, usage["time_left"], 1)
    return wait


def throttle_message(wait: int) -> str:
    minutes = max(1, math.ceil(wait / 60))
    return ngettext(
        "Trop de demandes pour cette adresse ou depuis votre connexion. Par sécurité, "
        "réessayez dans %(minutes)d minute. Si le blocage persiste, l'administrateur de la "
        "plateforme peut le lever.",
        "Trop de demandes pour cette adresse ou depuis votre connexion. Par sécurité, "
        "réessayez dans %(minutes)d minutes. Si le blocage persiste, l'administrateur de la "
        "plateforme peut le lever.",
        minutes,
    ) % {"minutes": minutes}
