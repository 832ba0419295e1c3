"""Figures in templates, rounded once, half-up, the French way (`territories.figures`)."""

from django import template
from django.utils.translation import get_language

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
