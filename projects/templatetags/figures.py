"""Figures in templates, rounded once, half-up, the French way (`territories.figures`)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from territories.figures import format_figure, half_up

register = template.Library()


@register.filter
def figure(value, places=2):
    """{{ mean|figure }} → "64,13"; {{ count|figure:0 }} → "1 250"; "—" for no value."""
    return format_figure(value, int(places))


@register.filter
def signed(value, places=1):
    """A difference with its sign: "+10,0", "−3,5", "0,0"."""
    return format_figure(value, int(places), signed=True)


@register.filter
def percent(share, places=0):
    """A share in [0, 1] as a percentage: "63 %" in French (non-breaking space), "63%" in
    English; "—" for none."""
    if share is None:
        return format_figure(None)
    space = "" if (get_language() or "").startswith("en") else "\u00a0"
    return f"{format_figure(share * 100, int(places))}{space}%"


@register.filter
def svg_length(value, places=2):
    """A number for an SVG attribute: rounded half-up, with a dot, never localised."""
    rounded = half_up(value, int(places))
    return "0" if rounded is None else str(rounded)


# The core gate and the self-assessment figure are written by tags rather than included
# templates: they fill a cell of every row of the call dashboard (50 a page), where an
# {% include %} costs ten times as much as the markup it writes.


@register.simple_tag
def gate_state(gate):
    """The core gate's state (design §4): "Atteints", "Non atteints" (bold), "Non évalués"
    (italic), or "—" with its reason when the version sets no threshold."""
    if gate is None:
        return format_html(
            '<span title="{}">—</span>', _("Aucun critère socle à seuil dans cette grille")
        )
    if gate == "passed":
        return _("Atteints")
    if gate == "failed":
        return format_html("<strong>{}</strong>", _("Non atteints"))
    return format_html("<em>{}</em>", _("Non évalués"))


@register.simple_tag
def self_figure(status, total, answered, criteria):
    """The self-assessment as a figure: its total once submitted ("87,50 / 100"); a draft is
    not a figure ("brouillon (7/17 critères)"); "—" without one."""
    if status == "submitted":
        return f"{format_figure(total, 2)} / 100"
    if status == "draft":
        return format_html(
            '<span class="text-body-secondary">{}</span>',
            _("brouillon (%(answered)s/%(criteria)s critères)")
            % {"answered": answered, "criteria": criteria},
        )
    return "—"
