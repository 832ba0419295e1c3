"""Security headers Django 5.2 does not set by itself, and the refusals every request gets
before a view reads it."""

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.datastructures import MultiValueDict


class ContentSecurityPolicyMiddleware:
    """A strict CSP: the templates have no inline script or style (conventions), so the
    browser can refuse any injected one. Permissions-Policy switches off the browser features
    the product never uses."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {sources}"
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )
        self.permissions = ", ".join(
            f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED
        )

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):  # Django's admin ships inline scripts
            response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


def _refusal(status: int, template: str) -> HttpResponse:
    # A plain page: it must render whatever the request holds (no session, no form data).
    return HttpResponse(render_to_string(template), status=status)


def _has_nul(values: MultiValueDict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in items) for key, items in values.lists()
    )


class RequestGuardMiddleware:
    """What no view should have to think about, refused before any of them runs:

    - a body announced larger than REQUEST_MAX_BYTES: 413 before a byte of it is read;
    - a body Django cannot decode (unknown or multi-byte charset, broken multipart): 400,
      instead of an exception raised again by every later reader of `request.POST`;
    - a NUL character in the path, the query or a form field or file name: 400. No field
      accepts one, and PostgreSQL refuses them in text with an error where SQLite stores
      them: refusing here gives both databases the same behaviour."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refusal(400, "400.html")
        if length > settings.REQUEST_MAX_BYTES:
            return _refusal(413, "413.html")
        if "\x00" in request.path_info or _has_nul(request.GET):
            return _refusal(400, "400.html")
        if request.method == "POST":
            try:
                post, files = request.POST, request.FILES
            except (BadRequest, SuspiciousOperation, UnicodeDecodeError, LookupError, ValueError):
                return _refusal(400, "400.html")
            if _has_nul(post) or any("\x00" in (f.name or "") for f in files.values()):
                return _refusal(400, "400.html")
        return self.get_response(request)
