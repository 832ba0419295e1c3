"""The one way to ask a permission, for every app's views, templates and selectors.

`rules.has_perm`, never `user.has_perm`: Django lets superusers pass every `user.has_perm`
(and falls back on model permissions, two queries a page), while our predicates decide for
everybody, administrators included (`accounts.rules.is_administrator` says where they may go).
"""

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


class LoginRequired(Exception):
    """An anonymous visitor asked for something that needs an account."""


def can(user, perm: str, obj=None) -> bool:
    """The predicate's answer for `user` (templates ask it through `{% can %}`)."""
    return rules.has_perm(perm, user, obj)


def allowed(request, perm: str, obj=None) -> bool:
    return can(request.user, perm, obj)


def require(request, perm: str, obj=None) -> None:
    """Refuse unless allowed: anonymous visitors are sent to the login page (keeping the
    address they asked for), signed-in users get 403."""
    if not allowed(request, perm, obj):
        if not request.user.is_authenticated:
            raise LoginRequired
        raise PermissionDenied


class LoginRequiredMiddleware:
    """Turns `LoginRequired` raised by a view into the redirection to the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, LoginRequired):
            return redirect_to_login(request.get_full_path())
        return None


def login_name(request, credentials) -> str:
    """The account a login attempt counts against for the login throttling (django-axes,
    AXES_USERNAME_CALLABLE): e-mail addresses are case-insensitive logins, so the failures
    of "Camille@X.fr" and "camille@x.fr" add up."""
    return str((credentials or {}).get("username") or "").strip().lower()[:254]
