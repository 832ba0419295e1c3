"""Security headers Django 5.2 does not set by itself."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """A strict CSP: the templates have no inline script or style (conventions), so the
    browser can refuse any injected one."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {sources}"
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):  # Django's admin ships inline scripts
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
