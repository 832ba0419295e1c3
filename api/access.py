"""Asking the predicates from an API view: the pages' `accounts.permissions`, answered the
API's way (401 for an anonymous client, 403 otherwise) and objects found or 404."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from rest_framework.exceptions import NotAuthenticated, PermissionDenied

from accounts.permissions import can


def require(request, perm: str, obj=None) -> None:
    if not can(request.user, perm, obj):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        raise PermissionDenied


def allowed(request, perm: str, obj=None) -> bool:
    return can(request.user, perm, obj)


def found(read, **lookup):
    """`read(**lookup)` (a selector that raises DoesNotExist), or 404."""
    try:
        return read(**lookup)
    except ObjectDoesNotExist:
        raise Http404 from None
