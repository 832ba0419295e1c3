"""The funder's page connecting a call to a démarche of Démarche numérique: the démarche and
its token, which champ fills which project field, the imports and their progress, and the
write-back of published decisions (settings, state, retry)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import require
from accounts.web import add_error_messages
from integrations import writeback
from integrations.forms import DemarcheConnectForm, DemarcheMapForm, DemarcheWriteBackForm
from integrations.importer import (
    demarche_import_queue,
    demarche_source_connect,
    demarche_source_map,
)
from integrations.models import DemarcheSource
from integrations.selectors import writeback_overview
from projects.models import Call


def _call(request, pk) -> Call:
    call = get_object_or_404(Call.objects.select_related("funder"), pk=pk)
    require(request, "projects.manage_call", call)
    return call


def _source(call) -> DemarcheSource | None:
    return DemarcheSource.objects.filter(call=call).first()


def _page(request, call, *, connect_form=None, map_form=None, writeback_form=None, status=200):
    source = _source(call)
    if connect_form is None:
        connect_form = DemarcheConnectForm(initial={"number": source.number} if source else None)
    if map_form is None and source is not None and source.descriptors:
        map_form = DemarcheMapForm(
            initial={**source.field_map, "row_version": source.row_version},
            descriptors=source.descriptors,
        )
    if writeback_form is None and source is not None:
        writeback_form = DemarcheWriteBackForm(
            initial={
                "instructeur_id": source.instructeur_id,
                "write_back": source.write_back,
                "row_version": source.row_version,
            }
        )
    return render(
        request,
        "integrations/demarche.html",
        {
            "call": call,
            "source": source,
            "connect_form": connect_form,
            "map_form": map_form,
            "writeback_form": writeback_form,
            "writeback": writeback_overview(source=source) if source else None,
            "imported": source.dossiers.count() if source else 0,
        },
        status=status,
    )


@login_required
def demarche(request, pk):
    """GET: the page. POST: connect the démarche (checked against its API at once, so that a
    wrong number or token is said at the field)."""
    call = _call(request, pk)
    if request.method != "POST":
        return _page(request, call)
    form = DemarcheConnectForm(request.POST)
    if form.is_valid():
        try:
            demarche_source_connect(
                call=call,
                number=form.cleaned_data["number"],
                token=form.cleaned_data["token"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("La démarche est reliée : indiquez quel champ va dans quel champ.")
            )
            return redirect("integrations:demarche", pk=call.pk)
    return _page(request, call, connect_form=form, status=400 if form.errors else 200)


@login_required
@require_POST
def demarche_map(request, pk):
    call = _call(request, pk)
    source = get_object_or_404(DemarcheSource, call=call)
    form = DemarcheMapForm(request.POST, descriptors=source.descriptors)
    if form.is_valid():
        try:
            demarche_source_map(
                source=source,
                field_map=form.field_map(),
                row_version=form.cleaned_data["row_version"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La correspondance des champs est enregistrée."))
            return redirect("integrations:demarche", pk=call.pk)
    return _page(request, call, map_form=form, status=400)


@login_required
@require_POST
def demarche_import(request, pk):
    """Queue an import; the worker runs it and the page follows its progress."""
    call = _call(request, pk)
    source = get_object_or_404(DemarcheSource, call=call)
    try:
        queued = demarche_import_queue(source=source, by=request.user)
    except ValidationError as error:
        add_error_messages(request, error)
    else:
        if queued:
            messages.success(request, _("L'import est lancé : cette page suit sa progression."))
        else:
            messages.info(request, _("Un import est déjà en cours."))
    return redirect("integrations:demarche", pk=call.pk)


@login_required
@require_POST
def demarche_writeback(request, pk):
    """Keep the instructeur id and whether published decisions are written back."""
    call = _call(request, pk)
    source = get_object_or_404(DemarcheSource, call=call)
    form = DemarcheWriteBackForm(request.POST)
    if form.is_valid():
        try:
            queued = writeback.demarche_writeback_configure(
                source=source,
                instructeur_id=form.cleaned_data["instructeur_id"],
                write_back=form.cleaned_data["write_back"],
                row_version=form.cleaned_data["row_version"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not form.cleaned_data["write_back"]:
                messages.success(request, _("Les décisions publiées ne sont plus reportées."))
            elif queued:
                messages.success(
                    request,
                    ngettext(
                        "Le report est activé : %(count)s décision déjà publiée part vers "
                        "Démarche numérique.",
                        "Le report est activé : %(count)s décisions déjà publiées partent vers "
                        "Démarche numérique.",
                        queued,
                    )
                    % {"count": queued},
                )
            else:
                messages.success(
                    request, _("Le report est activé : les décisions publiées suivront.")
                )
            return redirect("integrations:demarche", pk=call.pk)
    return _page(request, call, writeback_form=form, status=400)


@login_required
def demarche_writeback_retry(request, pk):
    """GET: which failed write-backs will be tried again, to confirm. POST: queue them."""
    call = _call(request, pk)
    source = get_object_or_404(DemarcheSource, call=call)
    if request.method != "POST":
        return render(
            request,
            "integrations/demarche_writeback_retry.html",
            {"call": call, "source": source, "writeback": writeback_overview(source=source)},
        )
    try:
        queued = writeback.demarche_writeback_retry(source=source, by=request.user)
    except ValidationError as error:
        add_error_messages(request, error)
    else:
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(count)s décision repart vers Démarche numérique.",
                    "%(count)s décisions repartent vers Démarche numérique.",
                    queued,
                )
                % {"count": queued},
            )
        else:
            messages.info(request, _("Aucun report en échec à réessayer."))
    return redirect("integrations:demarche", pk=call.pk)


@login_required
def demarche_progress(request, pk):
    """The import's state, as a block the page reloads (htmx) while an import runs."""
    call = _call(request, pk)
    source = _source(call)
    return render(
        request,
        "integrations/_demarche_progress.html",
        {
            "call": call,
            "source": source,
            "imported": source.dossiers.count() if source else 0,
        },
    )
