"""The call's journal for its managers: every write of its life, named as the pages name
them."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from projects.selectors import committee as committee_selectors
from projects.views.committee import managed_call

# --- The call's journal ---------------------------------------------------------------------

ACTION_LABELS = {
    "call.update": gettext_lazy("Réglages de l'appel modifiés"),
    "call.transition": gettext_lazy("Statut de l'appel changé"),
    "pool.add": gettext_lazy("Évaluateur ajouté au vivier"),
    "pool.remove": gettext_lazy("Évaluateur retiré du vivier"),
    "assignments.create": gettext_lazy("Assignations créées"),
    "assignment.recuse": gettext_lazy("Évaluateur récusé"),
    "assignment.conflict": gettext_lazy("Conflit d'intérêts déclaré"),
    "project.submit": gettext_lazy("Projet déposé"),
    "project.withdraw": gettext_lazy("Projet retiré"),
    "project.update": gettext_lazy("Projet modifié"),
    "project.co_holder_add": gettext_lazy("Co-porteur ajouté"),
    "project.co_holder_remove": gettext_lazy("Co-porteur retiré"),
    "attachment.delete": gettext_lazy("Pièce jointe supprimée"),
    "self_assessment.start": gettext_lazy("Auto-évaluation commencée"),
    "decision.propose": gettext_lazy("Décision proposée"),
    "decision.revise": gettext_lazy("Décision proposée révisée"),
    "decision.publish": gettext_lazy("Décision publiée"),
    "decision.correct": gettext_lazy("Décision publiée corrigée"),
    "decisions.publish": gettext_lazy("Publication des décisions"),
}


def _changes(before, after, model=None) -> list[dict]:
    """The values an event changed, named and shown as the page names them: the field's
    label rather than its name, a choice's label rather than its code ("Statut : Ouvert →
    En évaluation", not "status : open → review")."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    return [
        {
            "key": _field_label(model, key),
            "before": _value_label(model, key, before.get(key)),
            "after": _value_label(model, key, after.get(key)),
        }
        for key in dict.fromkeys([*before, *after])
        if before.get(key) != after.get(key)
    ]


def _field(model, key):
    try:
        return model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        return None


def _field_label(model, key) -> str:
    field = _field(model, key)
    return capfirst(field.verbose_name) if getattr(field, "verbose_name", None) else key


def _value_label(model, key, value):
    if isinstance(value, bool):
        return gettext_lazy("oui") if value else gettext_lazy("non")
    field = _field(model, key)
    if field is not None and getattr(field, "choices", None) and isinstance(value, str | int):
        return dict(field.flatchoices).get(value, value)
    return value


@login_required
def call_history(request, pk):
    """The call's journal for its managers: who did what, to which object, the values before
    and after, when (Paris time) and from which address. 50 events a page."""
    call = managed_call(request, pk, "projects.view_call_history")
    page = Paginator(committee_selectors.call_history(call=call), 50).get_page(
        request.GET.get("page")
    )
    events = [
        {
            "event": event,
            "label": ACTION_LABELS.get(event.action, event.action),
            "changes": _changes(event.before, event.after, event.content_type.model_class()),
        }
        for event in page.object_list
    ]
    return render(
        request,
        "projects/calls/call_history.html",
        {"call": call, "page": page, "events": events},
    )
