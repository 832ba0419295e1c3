"""The rows of a project's analysis page (criteria, chart bars, reviewers' scores), written by
tags rather than by template loops: 20 criteria × 7 cells, 20 bars and 20 scores per reviewer
were half the page's time through the template engine, and as much markup again with every
criterion a grid adds. Figures are rounded and written here once (`territories.figures`), as
the `figure`, `signed` and `svg_length` filters would."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from projects.templatetags.figures import gate_state
from territories.figures import DASH, format_figure, half_up

register = template.Library()

CRITERION_ROW = (
    '<tr data-criterion="{}"><th scope="row">{} — {}{}</th>\n'
    '      <td class="text-end">{}</td>\n'
    '      <td class="text-end text-nowrap" data-mean>{} / {}</td>\n'
    '      <td class="text-end" data-median>{}</td>\n'
    "      <td data-threshold>{}</td>\n"
    '      <td class="text-end" data-self>{}</td>\n'
    '      <td class="text-end" data-gap>{}</td></tr>'
)

CHART_BAR = (
    '<text x="0" y="{}" font-size="12">{}</text>\n'
    '      <svg x="60" y="{}" width="600" height="20" viewBox="0 0 100 20" '
    'preserveAspectRatio="none">\n'
    '        <rect x="0" y="0" width="100" height="20" fill="#f1f3f5"></rect>\n'
    "        {}\n"
    "        {}\n"
    "      </svg>"
)

BAR = '<rect x="0" y="{}" width="{}" height="{}" fill="{}"><title>{}\u00a0: {} %</title></rect>'


def _svg_length(value) -> str:
    rounded = half_up(value, 2)
    return "0" if rounded is None else str(rounded)


@register.simple_tag
def criterion_row(criterion):
    """A row of the criteria table: code and label (badge for a core criterion), the number
    of reviewers' scores, their mean and median on the criterion's scale, the threshold and
    its gate, the self-assessment's score and the gap in points of percent."""
    gate = criterion.gate
    return format_html(
        CRITERION_ROW,
        criterion.code,
        criterion.code,
        criterion.label,
        format_html(' <span class="badge badge-socle">{}</span>', _("Socle"))
        if criterion.is_core
        else "",
        criterion.reviews,
        format_figure(criterion.mean, 2),
        criterion.scale_max,
        format_figure(criterion.median, 2),
        format_html("{} · {}", criterion.threshold, gate_state(gate)) if gate else DASH,
        DASH if criterion.self_value is None else criterion.self_value,
        format_figure(criterion.gap, 1, signed=True),
    )


@register.simple_tag
def chart_bar(row):
    """A criterion's bars in the chart: the reviewers' mean (blue) and the self-assessment
    (orange), in percent of the scale."""
    criterion = row["criterion"]
    mean, own = criterion.mean_percent, criterion.self_percent
    return format_html(
        CHART_BAR,
        row["text_y"],
        criterion.code,
        row["y"],
        ""
        if mean is None
        else format_html(
            BAR, 2, _svg_length(mean), 8, "#3182bd", _("Évaluateurs"), format_figure(mean, 1)
        ),
        ""
        if own is None
        else format_html(
            BAR, 11, _svg_length(own), 7, "#e6550d", _("Auto-évaluation"), format_figure(own, 1)
        ),
    )


@register.simple_tag
def reviewer_row(reviewer):
    """A reviewer's row: the name the viewer may read, the total and each criterion's score
    ("s.o." for "sans objet")."""
    not_applicable = _("s.o.")
    return format_html(
        '<tr><th scope="row">{}</th><td class="text-end" data-total>{}</td>{}</tr>',
        reviewer["name"],
        format_figure(reviewer["total"], 2),
        format_html_join(
            "",
            '<td class="text-end">{}</td>',
            ((not_applicable if value is None else value,) for value in reviewer["values"]),
        ),
    )
