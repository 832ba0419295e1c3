"""What every app's views share beyond permissions: calling a service and showing its answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def add_error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def attempt(request, service, /, *, success: str = "", form=None, field=None, **kwargs):
    """Call `service(**kwargs)`: (True, its result), with `success` shown as a message; or,
    when the service refuses, (False, None) with its French reasons shown at the form's
    `field` (the whole form when None), or as messages on a page without a form."""
    try:
        result = service(**kwargs)
    except ValidationError as error:
        if form is not None:
            form.add_error(field, error)
        else:
            add_error_messages(request, error)
        return False, None
    if success:
        messages.success(request, success)
    return True, result
