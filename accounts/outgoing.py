"""Calls to the State's services (Recherche d'entreprises, Démarche numérique): one way to
send a request with a timeout, a few retries with backoff and the service's `Retry-After`
honoured, and errors a person can read. Each client module (accounts.companies,
integrations.demarches) builds on this; nothing else opens a connection to the outside."""

import logging
import time
from email.utils import parsedate_to_datetime

import requests
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Answers worth another try: the service is busy or restarting.
RETRY_STATUSES = {429, 502, 503, 504}


class ServiceError(Exception):
    """A call to an outside service failed. `message` is French and says what to do;
    `code` is one of "timeout", "throttled", "unavailable", "malformed", "refused",
    "unknown" (the service answered that the thing asked for does not exist)."""

    def __init__(self, message: str, *, code: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def retry_after_seconds(response) -> float | None:
    """The `Retry-After` header in seconds (a number of seconds or an HTTP date)."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, (moment - timezone.now()).total_seconds())


def send(
    method: str,
    url: str,
    *,
    service: str,
    timeout: float,
    retries: int,
    backoff: float,
    max_wait: float,
    session=None,
    **kwargs,
) -> requests.Response:
    """The service's answer, after at most `retries` more tries on timeouts, connection
    errors and the statuses of RETRY_STATUSES (waiting `backoff`, then twice as long, or the
    `Retry-After` the service asked for, when it is at most `max_wait` seconds). Raises
    ServiceError with a French message naming `service`."""
    sender = session or requests
    attempt = 0
    while True:
        try:
            response = sender.request(method, url, timeout=timeout, **kwargs)
        except requests.Timeout:
            error = ServiceError(
                _("%(service)s ne répond pas assez vite : réessayez dans un moment.")
                % {"service": service},
                code="timeout",
            )
            wait = backoff * 2**attempt
        except requests.RequestException as exc:
            logger.warning("%s unreachable: %s", service, exc)
            error = ServiceError(
                _("%(service)s est injoignable pour le moment : réessayez plus tard.")
                % {"service": service},
                code="unavailable",
            )
            wait = backoff * 2**attempt
        else:
            if response.status_code not in RETRY_STATUSES:
                return response
            asked = retry_after_seconds(response)
            if response.status_code == 429:
                error = ServiceError(
                    _(
                        "%(service)s reçoit trop de demandes en ce moment : réessayez dans "
                        "une minute."
                    )
                    % {"service": service},
                    code="throttled",
                    status=429,
                )
            else:
                error = ServiceError(
                    _("%(service)s est indisponible pour le moment (erreur %(status)s).")
                    % {"service": service, "status": response.status_code},
                    code="unavailable",
                    status=response.status_code,
                )
            wait = asked if asked is not None else backoff * 2**attempt
        if attempt >= retries or wait > max_wait:
            raise error
        time.sleep(wait)
        attempt += 1


def json_of(response, *, service: str):
    """The answer's JSON, or a ServiceError("malformed")."""
    try:
        return response.json()
    except ValueError:
        raise ServiceError(
            _("%(service)s a renvoyé une réponse illisible : réessayez plus tard.")
            % {"service": service},
            code="malformed",
        ) from None
