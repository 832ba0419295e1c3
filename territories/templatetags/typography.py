"""French typography in templates (`territories.typography`), built in (settings TEMPLATES):
{{ call.closes_at|day:"long_time" }}, {{ amount|euros }}, {{ attachment.size|file_size }}."""

from django import template

from territories import typography

register = template.Library()


@register.filter(expects_localtime=True)
def day(value, style="long"):
    """A date in words: "1er décembre 2026" (long), "10 janv. 2027" (short), "1er décembre
    2026 à 09:00" (long_time), "10 janv. 2027, 09:00" (short_time), "mardi 1er décembre 2026,
    09:00" (weekday_time)."""
    return typography.format_date(value, style)


@register.filter
def euros(value, places=0):
    """An amount with its thousands and the euro sign held by non-breaking spaces:
    "30 000 €"; "—" for none."""
    return typography.format_euros(value, int(places))


@register.filter
def file_size(value):
    """ "512 octets", "20,5 Ko", "3,2 Mo"."""
    return typography.format_file_size(value)
