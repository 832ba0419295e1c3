from django.shortcuts import render
from django.views.decorators.http import require_GET

from territories.forms import SUGGESTIONS
from territories.models import Commune


@require_GET
def commune_search(request):
    """Suggestions for a commune input: <option> elements for its <datalist>. Public: the
    territories are open reference data."""
    text = next(
        (value for key, value in request.GET.items() if key in ("q", "commune") and value), ""
    )
    communes = Commune.objects.search(text[:100]).select_related("departement")[:SUGGESTIONS]
    return render(request, "territories/_commune_options.html", {"communes": communes})
