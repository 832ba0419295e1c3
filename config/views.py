"""The error pages whose answer depends on the error."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

# The database cannot be reached (down, restarting, out of connections): the truth is "come
# back later", 503 with Retry-After, not a 500 that says the application is broken.
UNREACHABLE = (OperationalError, InterfaceError)


def server_error(request):
    """handler500: 503 "service momentanément indisponible" when the database is unreachable,
    the plain French 500 page otherwise. Neither touches the database nor the session."""
    error = sys.exc_info()[1]
    if isinstance(error, UNREACHABLE) or (
        isinstance(error, DatabaseError) and isinstance(error.__cause__, UNREACHABLE)
    ):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
