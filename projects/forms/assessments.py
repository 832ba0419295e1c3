"""The assessment form: one field per criterion, shared by self-assessments and reviews."""

from dataclasses import dataclass

from django import forms
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from projects.services import NEW_ASSESSMENT

NOT_APPLICABLE = "na"
ROW_VERSION_MAX = 2**31 - 1
DESCRIPTOR_HTML = '<small class="d-block text-body-secondary level-descriptor">{}</small>'


class RowVersionField(forms.IntegerField):
    """The hidden row version (optimistic locking). Anything but a plausible version (empty,
    missing, text, negative, huge) becomes None, which the services treat as a conflict: the
    form then shows what was saved beside what was typed instead of an error on a hidden
    field."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            number = super().to_python(value)
        except forms.ValidationError:
            return None
        if number is None or not 0 <= number <= ROW_VERSION_MAX:
            return None
        return number


@dataclass(frozen=True)
class CriterionTexts:
    """What the form writes of a criterion in one language: its choices, each level's
    descriptor, and each radio's label ready in HTML (escaped, descriptor included)."""

    label: str
    question: str
    description: str
    choices: tuple  # (value, label) pairs, "sans objet" last where allowed
    descriptors: dict  # choice value → descriptor
    radio_labels: tuple  # (choice value, escaped value, escaped label HTML)


def criterion_texts(criterion, language: str, not_applicable: str) -> CriterionTexts:
    """The criterion's texts in `language` (the active one), kept on the criterion: the
    criteria of a published version are read once per process (`version_criteria`), and
    their texts were, with the levels' radios, most of the form's own time."""
    memo = criterion.__dict__.setdefault("_form_texts", {})
    texts = memo.get((language, not_applicable))
    if texts is not None:
        return texts
    levels = list(criterion.levels.all())
    descriptors = {str(level.value): level.descriptor(language) for level in levels}
    choices = [(str(level.value), f"{level.value} — {level.label_display}") for level in levels]
    if criterion.allows_not_applicable:
        choices.append((NOT_APPLICABLE, not_applicable))
    texts = CriterionTexts(
        label=f"{criterion.code} — {criterion.label_display}",
        question=criterion.question_display,
        description=criterion.description_display,
        choices=tuple(choices),
        descriptors=descriptors,
        radio_labels=tuple(
            (
                value,
                escape(value),
                format_html(
                    "{}{}",
                    label,
                    format_html(DESCRIPTOR_HTML, descriptors[value])
                    if descriptors.get(value)
                    else "",
                ),
            )
            for value, label in choices
        ),
    )
    memo[(language, not_applicable)] = texts
    return texts


class LevelField(forms.ChoiceField):
    """A criterion's levels (radios). Its choices come ready from `criterion_texts`, (value,
    label) strings: Django's normalisation of them, for the field and again for its widget,
    was a tenth of the scoring form's time (20 criteria, each built on every request)."""

    def __init__(self, *, choices, **kwargs):
        super().__init__(**kwargs)
        self._choices = self.widget.choices = choices


class AssessmentForm(forms.Form):
    """One field per criterion of the grid version: the anchored levels as radio buttons
    (plus "sans objet" where allowed) and a justification. Shared by self-assessments and
    reviews (pretalx's ReviewForm pattern)."""

    def __init__(self, *args, criteria, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = {s.criterion_id: s for s in assessment.scores.all()} if assessment else {}
        self.fields["row_version"] = RowVersionField(
            initial=assessment.row_version if assessment else NEW_ASSESSMENT
        )
        # Translated once per form rather than once per use: 20 criteria read them.
        not_applicable, justification = gettext("Sans objet"), gettext("Justification")
        language = get_language() or ""
        # Each level's anchor for its criterion (English when the page is), by choice value.
        self.descriptors = {}
        self.texts = {}
        for criterion in self.criteria:
            texts = self.texts[criterion.pk] = criterion_texts(criterion, language, not_applicable)
            self.descriptors[criterion.pk] = texts.descriptors
            score = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = LevelField(
                label=texts.label,
                choices=list(texts.choices),
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                help_text=texts.question,
                initial=(
                    None
                    if score is None
                    else NOT_APPLICABLE
                    if score.value is None
                    else str(score.value)
                ),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=justification,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=score.comment if score else "",
            )

    def rows(self):
        """Criterion rows grouped by axis, for the template: (axis, [row dict]).

        Rows are plain dicts of ready strings, each criterion's radios one ready block of
        HTML: rendering 20 × 7 radio widgets through Django's widget templates, or even
        through a template loop, and looking up bound-field attributes one by one, took most
        of the scoring page's time, whose budget is 50 ms. Built once per form: the page reads
        them twice (the summary's links, then the fieldsets)."""
        if self._rows is None:
            self._rows = self._build_rows()
        return self._rows

    _rows = None

    def comment_hint(self, criterion) -> str:
        """When the criterion's justification is required; nothing in a form without the rule."""
        return ""

    def _build_rows(self):
        groups = []
        for criterion in self.criteria:
            if not groups or groups[-1][0] != criterion.axis:
                groups.append((criterion.axis, []))
            score = self[f"score_{criterion.pk}"]
            comment = self[f"comment_{criterion.pk}"]
            current = score.value()
            current = "" if current is None else str(current)
            score_id, comment_id = score.auto_id, comment.auto_id
            help_id = f"{score_id}_help" if criterion.question else ""
            description_id = f"{score_id}_description" if criterion.description else ""
            described_by = " ".join(i for i in (description_id, help_id) if i)
            attributes = format_html(
                "{}{}{}",
                mark_safe(" disabled") if score.field.disabled else "",
                mark_safe(' aria-invalid="true"') if score.errors else "",
                format_html(' aria-describedby="{}"', described_by) if described_by else "",
            )
            texts = self.texts[criterion.pk]
            # One radio per level: <div class="form-check"><input …><label …>…</label></div>,
            # the level's descriptor inside its label, so that it is read with the choice.
            # The labels come escaped from `criterion_texts`; the name and ids are escaped
            # once per criterion rather than once per radio.
            name, base_id = escape(score.html_name), escape(score_id)
            radios = mark_safe(
                "\n".join(
                    '<div class="form-check"><input type="radio" name="'
                    f'{name}" value="{value}" class="form-check-input" id="{base_id}_{index}"'
                    f"{' checked' if raw == current else ''}{attributes}>"
                    f'<label class="form-check-label" for="{base_id}_{index}">{label}</label></div>'
                    for index, (raw, value, label) in enumerate(texts.radio_labels)
                )
            )
            comment_value = comment.value()
            comment_hint = self.comment_hint(criterion)
            groups[-1][1].append(
                {
                    "code": criterion.code,
                    "anchor": f"critere-{criterion.pk}",
                    "answered": bool(current),
                    "has_errors": bool(score.errors or comment.errors),
                    "is_core": criterion.is_core,
                    "label": score.label,
                    "description": texts.description,
                    "description_id": description_id,
                    "question": texts.question,
                    "help_id": help_id,
                    "radios": radios,
                    "errors": score.errors,
                    "comment_name": comment.html_name,
                    "comment_id": comment_id,
                    "comment_label": comment.label,
                    "comment_value": "" if comment_value is None else comment_value,
                    "comment_errors": comment.errors,
                    "comment_help": comment_hint,
                    "comment_help_id": f"{comment_id}_help" if comment_hint else "",
                }
            )
        return groups

    def error_summary(self) -> list[dict]:
        """Every error of the form, each with the id of the field to fix (the first radio of
        a criterion), in page order: the list at the top of the page (GOV.UK / DSFR pattern)."""
        if not self.is_bound or not self.errors:
            return []
        entries = [{"target": "", "message": error} for error in self.non_field_errors()]
        prefixes = {}
        for criterion in self.criteria:
            prefixes[f"score_{criterion.pk}"] = (criterion.code, "_0")
            prefixes[f"comment_{criterion.pk}"] = (criterion.code, "")
        for name, field in self.fields.items():
            if name not in self.errors or name == "row_version":
                continue
            bound = self[name]
            code, suffix = prefixes.get(name, (str(field.label), ""))
            for error in self.errors[name]:
                entries.append(
                    {"target": f"{bound.auto_id}{suffix}", "message": f"{code} — {error}"}
                )
        return entries

    def scores(self) -> dict[int, tuple[int | None, str]]:
        """Answered criteria only: criterion id → (value, or None for "sans objet"; comment)."""
        result = {}
        for criterion in self.criteria:
            choice = self.cleaned_data.get(f"score_{criterion.pk}")
            if not choice:
                continue
            value = None if choice == NOT_APPLICABLE else int(choice)
            result[criterion.pk] = (value, self.cleaned_data.get(f"comment_{criterion.pk}", ""))
        return result
