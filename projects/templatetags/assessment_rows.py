"""A criterion of the assessment form (`AssessmentForm.rows`) as markup: its fieldset and its
link in the summary's "Aller à un critère". Written by tags rather than template loops: 20
criteria × some 20 nodes, twice, were most of the scoring page's rendering. The rows are
ready strings already (the radios ready HTML); everything else is escaped here."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()

FIELDSET = (
    '<fieldset class="card criterion-card mb-3{}{}" data-criterion="{}" id="{}">\n'
    '        <div class="card-body">\n'
    '          <legend class="h6">{}{}</legend>\n'
    "          {}\n"
    "          {}\n"
    "          {}\n"
    "          {}\n"
    '          <label class="form-label mt-2" for="{}">{}</label>\n'
    '          <textarea name="{}" id="{}" rows="2" class="form-control{}" maxlength="5000"{}>'
    "{}</textarea>\n"
    "          {}\n"
    "          {}\n"
    "        </div>\n"
    "      </fieldset>"
)

ERROR = '<div class="invalid-feedback d-block">{}</div>'


def _errors(errors) -> str:
    return format_html_join("", ERROR, ((error,) for error in errors)) if errors else ""


@register.simple_tag
def criterion_fieldset(row):
    """The criterion's fieldset: label (badge for a core criterion), description and guiding
    question, the levels' radios, the errors, the justification and its rule."""
    help_id = row["comment_help_id"]
    return format_html(
        FIELDSET,
        " is-core" if row["is_core"] else "",
        " border-danger" if row["has_errors"] else "",
        row["code"],
        row["anchor"],
        row["label"],
        format_html(' <span class="badge badge-socle">{}</span>', _("Socle"))
        if row["is_core"]
        else "",
        format_html(
            '<p class="small mb-1" id="{}">{}</p>', row["description_id"], row["description"]
        )
        if row["description"]
        else "",
        format_html(
            '<p class="small fst-italic text-body-secondary" id="{}">{}</p>',
            row["help_id"],
            row["question"],
        )
        if row["question"]
        else "",
        row["radios"],
        _errors(row["errors"]),
        row["comment_id"],
        row["comment_label"],
        row["comment_name"],
        row["comment_id"],
        " is-invalid" if row["comment_errors"] else "",
        format_html(' aria-describedby="{}"', help_id) if help_id else "",
        row["comment_value"],
        _errors(row["comment_errors"]),
        format_html('<div class="form-text" id="{}">{}</div>', help_id, row["comment_help"])
        if help_id
        else "",
    )


@register.simple_tag
def criterion_link(row):
    """The criterion's link in the form's summary, coloured by its state (to correct,
    answered, not yet), the state spelt out for screen readers."""
    if row["has_errors"]:
        state = " btn-outline-danger"
        text = format_html(' <span class="visually-hidden">{}</span>', _("(à corriger)"))
    elif row["answered"]:
        state = " btn-outline-success is-answered"
        text = format_html(
            ' <span class="visually-hidden" data-answered-text>{}</span>', _("(renseigné)")
        )
    else:
        state, text = " btn-outline-secondary", ""
    return format_html(
        '<li><a href="#{}" class="btn btn-sm criterion-link{}" data-criterion-link="{}" '
        'title="{}">{}{}</a></li>',
        row["anchor"],
        state,
        row["anchor"],
        row["label"],
        row["code"],
        text,
    )
