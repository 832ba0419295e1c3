"""Rate limiting per token (README, "API")."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """`API_THROTTLE_RATE` requests per token; a session counts per account and an anonymous
    client per address. Each token has its own allowance, so one tool cannot starve another."""

    scope = "api"

    def get_rate(self):
        # Read at each request rather than once at import: settings may change (tests).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
