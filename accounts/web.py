"""What every app's views share beyond permissions: calling a service and showing its answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.companies import company_lookup, form_values
from accounts.models import Organisation
from accounts.outgoing import ServiceError


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


# The organisation a person works in now, when they belong to several (remembered in the
# session, chosen with `accounts:organisation_switch`).
CURRENT_ORGANISATION = "current_organisation"


def current_organisation(request, role: str | None = None):
    """The organisation the signed-in person works in: the one they chose if they still
    belong to it (with `role`, when given), otherwise the first by name; None for no
    membership. Everything that acts for "the user's organisation" asks this."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = user.memberships.all()
    if role is not None:
        memberships = memberships.filter(role=role)
    organisations = Organisation.objects.filter(
        pk__in=memberships.values("organisation_id")
    ).order_by("name", "pk")
    chosen = request.session.get(CURRENT_ORGANISATION)
    if isinstance(chosen, int):
        found = organisations.filter(pk=chosen).first()
        if found is not None:
            return found
    return organisations.first()


def current_organisation_set(request, organisation) -> None:
    request.session[CURRENT_ORGANISATION] = organisation.pk


# The button that fills an organisation's fields from its SIRET (sign-up, organisation form):
# with JavaScript, htmx posts the form with this name and swaps the organisation's fieldset;
# without, the same POST re-renders the whole page.
SIRET_LOOKUP = "remplir_siret"


def siret_lookup_form(request, form_class, *, names=None, **form_kwargs):
    """`form_class`, unbound, showing what was typed with the organisation's fields filled
    from the registries (accounts.companies), and what to tell the person at the SIRET field:
    (form, message, facts or None). Nothing is saved; trouble with the service leaves the
    fields as typed and says so."""
    names = names or {}
    values = {
        key: request.POST.get(key, "") for key in request.POST if key != "csrfmiddlewaretoken"
    }
    facts, message = None, ""
    try:
        facts = company_lookup(request.POST.get("siret", ""))
    except ValidationError as error:
        message = " ".join(error.messages)
    except ServiceError as error:
        message = f"{error.message} " + _("Vous pouvez remplir les champs vous-même.")
    else:
        for field, value in form_values(facts).items():
            values[names.get(field, field)] = value
        message = _("Rempli depuis l'annuaire des entreprises : vérifiez avant d'enregistrer.")
    return form_class(initial=values, **form_kwargs), message, facts
