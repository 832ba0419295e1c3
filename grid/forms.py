"""Forms of the grid editor. They validate input and render; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import SubmitOnceMixin
from grid.interchange import MAX_LEVELS, MAX_TEXT
from grid.models import Criterion, CriterionKind, Grid, GridVersion
from territories.forms import CommaDecimalField


class RowVersionMixin(forms.Form):
    """Carries the version's `row_version` the editor saw (optimistic locking). Kept as text:
    the service compares it with the current one, and a missing or malformed value is a
    conflict shown with the differences, not an error on a field nobody sees."""

    row_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)


class GridCreateForm(SubmitOnceMixin, forms.Form):
    name = forms.CharField(label=_("Nom de la grille"), max_length=200)
    slug = forms.SlugField(
        label=_("Identifiant"),
        max_length=100,
        help_text=_("Lettres minuscules, chiffres et tirets ; sert dans les fichiers d'échange."),
    )
    source = forms.ModelChoiceField(
        label=_("Point de départ"),
        queryset=GridVersion.objects.none(),
        required=False,
        empty_label=_("La grille de référence"),
        help_text=_("La nouvelle grille commence par une copie en brouillon."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = GridVersion.objects.published().select_related("grid")


class GridImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier JSON"),
        help_text=_("Au format du fichier exporté par Évalis (ou de la grille de référence)."),
    )
    MAX_BYTES = 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 1 Mo : ce n'est pas une grille."))
        return upload

    grid = forms.ModelChoiceField(
        label=_("Destination"),
        queryset=Grid.objects.all(),
        required=False,
        empty_label=_("Une nouvelle grille (identifiant et nom lus dans le fichier)"),
        help_text=_("Ou la grille dont le fichier devient la prochaine version."),
    )


class GridVersionForm(RowVersionMixin):
    label = forms.CharField(label=_("Libellé de la version"), max_length=200, required=False)


class AxisForm(RowVersionMixin):
    code = forms.CharField(label=_("Code"), max_length=10)
    label = forms.CharField(label=_("Libellé"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _add_descriptor_fields(form: forms.Form, value: int) -> None:
    """The anchor of a level: what it means for this criterion, in French and in English."""
    form.fields[f"level_{value}_description"] = forms.CharField(
        label=_("Descripteur du niveau %(value)s (français)") % {"value": value},
        help_text=_("Ce que ce niveau signifie concrètement pour ce critère, en une phrase."),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    form.fields[f"level_{value}_description_en"] = forms.CharField(
        label=_("Descripteur du niveau %(value)s (anglais)") % {"value": value},
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "lang": "en"}),
    )


def level_initial(levels) -> dict:
    """Initial values of the level fields (label and descriptors) from saved levels."""
    initial = {}
    for level in levels:
        initial[f"level_{level.value}"] = level.label
        initial[f"level_{level.value}_description"] = level.description
        initial[f"level_{level.value}_description_en"] = level.description_en
    return initial


class LevelFieldsMixin:
    """Per level: its label and its two descriptors, grouped for the templates."""

    level_values: list[int]

    @property
    def level_groups(self):
        return [
            (
                self[f"level_{value}"],
                self[f"level_{value}_description"],
                self[f"level_{value}_description_en"],
            )
            for value in self.level_values
        ]

    def descriptors(self) -> dict[int, tuple[str, str]]:
        return {
            value: (
                self.cleaned_data.get(f"level_{value}_description") or "",
                self.cleaned_data.get(f"level_{value}_description_en") or "",
            )
            for value in self.level_values
        }


def _level_range(data, prefix_min, prefix_max, default: tuple[int, int]) -> range:
    """The level values to ask labels for: from the submitted scale when it is usable, so that
    changing the scale and saving shows the new levels' fields (no JavaScript needed)."""
    low, high = default
    if data is not None:
        try:
            low, high = int(data.get(prefix_min)), int(data.get(prefix_max))
        except (TypeError, ValueError):
            low, high = default
    if low >= high or high - low + 1 > MAX_LEVELS:
        low, high = default
    return range(low, high + 1)


class CriterionWordingMixin(forms.Form):
    """A criterion's wording, in French and in English: what both criterion forms edit."""

    label = forms.CharField(label=_("Libellé"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    question = forms.CharField(
        label=_("Question guide"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    label_en = forms.CharField(label=_("Libellé (anglais)"), max_length=200, required=False)
    description_en = forms.CharField(
        label=_("Description (anglais)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    question_en = forms.CharField(
        label=_("Question guide (anglais)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Montrés aux personnes qui lisent Évalis en anglais ; vides : le français."),
    )


# What CriterionForm hands the service, in the order the page shows the fields.
CRITERION_FIELDS = (
    "code",
    "label",
    "description",
    "question",
    "label_en",
    "description_en",
    "question_en",
    "axis",
    "kind",
    "weight",
    "scale_min",
    "scale_max",
    "allows_not_applicable",
    "threshold",
)


class CriterionForm(LevelFieldsMixin, CriterionWordingMixin, RowVersionMixin):
    # Django puts a base's fields before a subclass's: the code goes back before the wording.
    field_order = ["row_version", *CRITERION_FIELDS]

    code = forms.CharField(label=_("Code"), max_length=10)
    axis = forms.ModelChoiceField(label=_("Axe"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Nature"), choices=CriterionKind.choices)
    weight = CommaDecimalField(label=_("Poids"), max_digits=6, decimal_places=2)
    scale_min = forms.IntegerField(label=_("Échelle : minimum"), min_value=-100, max_value=100)
    scale_max = forms.IntegerField(
        label=_("Échelle : maximum"),
        min_value=-100,
        max_value=100,
        help_text=_(
            "Après un changement d'échelle, enregistrez pour libeller les nouveaux niveaux."
        ),
    )
    allows_not_applicable = forms.BooleanField(label=_("« Sans objet » autorisé"), required=False)
    threshold = forms.IntegerField(
        label=_("Seuil éliminatoire"),
        required=False,
        help_text=_("Note moyenne minimale des évaluateurs ; laisser vide pour aucun seuil."),
    )

    def __init__(self, *args, version: GridVersion, criterion: Criterion | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.criterion = criterion
        self.fields["axis"].queryset = version.axes.all()
        default = (criterion.scale_min, criterion.scale_max) if criterion else (0, 3)
        self.level_values = list(
            _level_range(self.data if self.is_bound else None, "scale_min", "scale_max", default)
        )
        for value in self.level_values:
            self.fields[f"level_{value}"] = forms.CharField(
                label=_("Libellé du niveau %(value)s") % {"value": value},
                max_length=200,
                required=False,
            )
            _add_descriptor_fields(self, value)

    def levels(self) -> dict[int, str]:
        return {v: self.cleaned_data.get(f"level_{v}") or "" for v in self.level_values}

    def criterion_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in CRITERION_FIELDS}

    def add_service_errors(self, error) -> None:
        """Place a service's ValidationError next to the fields it names."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.message_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class CriterionTextForm(LevelFieldsMixin, CriterionWordingMixin, RowVersionMixin):
    """Wording only: what a published version still lets an administrator correct."""

    def __init__(self, *args, criterion: Criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.level_values = [level.value for level in criterion.levels.all()]
        for value in self.level_values:
            self.fields[f"level_{value}"] = forms.CharField(
                label=_("Libellé du niveau %(value)s") % {"value": value}, max_length=200
            )
            _add_descriptor_fields(self, value)

    def levels(self) -> dict[int, str]:
        return {v: self.cleaned_data[f"level_{v}"] for v in self.level_values}
