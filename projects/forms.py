"""Forms validate and render; the services decide."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grid.models import GridVersion
from projects.models import Call, Decision, EligibilityItem, Opinion, Outcome, Project
from projects.services import PROJECT_FIELDS, REVIEW_FIELDS, comment_required
from territories.forms import CommuneField
from territories.models import Departement, Region

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
NOT_APPLICABLE = "na"


class CallForm(forms.ModelForm):
    """Call settings. Date-times are typed and shown in Europe/Paris (the active time zone)
    and stored in UTC."""

    eligibility = forms.CharField(
        label=_("Liste d'éligibilité"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Un critère par ligne ; le porteur devra cocher chacun avant de déposer."),
    )

    class Meta:
        model = Call
        fields = [
            "title",
            "description",
            "grid_version",
            "regions",
            "departements",
            "opens_at",
            "closes_at",
            "max_amount",
            "self_assessment_policy",
            "reviewer_visibility",
            "blind_mode",
            "feedback_policy",
        ]
        widgets = {
            "opens_at": DATETIME_INPUT,
            "closes_at": DATETIME_INPUT,
            "regions": forms.SelectMultiple(attrs={"size": 8}),
            "departements": forms.SelectMultiple(attrs={"size": 10}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "regions": _("Laissez régions et départements vides pour un appel national."),
            "opens_at": _("Heure de Paris."),
            "closes_at": _("Heure de Paris."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_version"].queryset = (
            GridVersion.objects.published().select_related("grid").order_by("grid", "-number")
        )
        self.fields["regions"].queryset = Region.objects.order_by("position")
        self.fields["departements"].queryset = Departement.objects.order_by("position")
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk:
            self.initial["eligibility"] = "\n".join(
                self.instance.eligibility_items.values_list("label", flat=True)
            )
            if not self.instance.is_draft:
                self.fields["grid_version"].disabled = True
                self.fields["grid_version"].help_text = _("Figée depuis l'ouverture de l'appel.")
                self.fields["eligibility"].disabled = True

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["eligibility"] = data.pop("eligibility", "").splitlines()
        return data


class CallFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Région"), queryset=Region.objects.order_by("position"), required=False
    )
    departement = forms.ModelChoiceField(
        label=_("Département"), queryset=Departement.objects.order_by("position"), required=False
    )


PROJECT_SECTIONS = [
    (_("Le projet"), ["organisation", "title", "summary", "stage"]),
    (_("Besoin et réponse"), ["social_need", "solution", "beneficiaries", "partners"]),
    (_("Territoire"), ["commune", "scope_level"]),
    (_("Budget et emplois"), ["budget", "amount_requested", "jobs_created"]),
    (_("Éligibilité"), ["eligibility"]),
]


class ProjectForm(forms.ModelForm):
    """The project form, rendered in sections. Nothing but the title is required to save a
    draft; completeness is checked at submission."""

    commune = CommuneField(required=False)
    eligibility = forms.ModelMultipleChoiceField(
        label=_("J'atteste que le projet remplit ces conditions"),
        queryset=EligibilityItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Project
        fields = list(PROJECT_FIELDS)  # the service saves exactly these
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("summary", "social_need", "solution", "beneficiaries", "partners")
        }

    def __init__(self, *args, call: Call, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        if organisations is not None and len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Structure porteuse"), queryset=organisations
            )
        self.fields["eligibility"].queryset = call.eligibility_items.all()
        if self.instance.pk:
            self.initial["eligibility"] = list(
                self.instance.eligibility_confirmed.values_list("pk", flat=True)
            )
        if call.max_amount is not None:
            self.fields["amount_requested"].help_text = _("%(max)s € au plus pour cet appel.") % {
                "max": f"{call.max_amount:,.0f}".replace(",", "\u202f")
            }
        for name in ("budget", "amount_requested"):
            self.fields[name].widget.attrs.update({"min": 0, "step": "0.01"})

    def sections(self):
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in PROJECT_SECTIONS
        ]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Pièce jointe (PDF, 10 Mo au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class CoHolderForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail du collègue"),
        help_text=_("Un porteur de votre structure, déjà inscrit."),
    )


class AssessmentForm(forms.Form):
    """One field per criterion of the grid version: the anchored levels as radio buttons
    (plus "sans objet" where allowed) and a justification. Shared by self-assessments and,
    later, reviews (pretalx's ReviewForm pattern)."""

    def __init__(self, *args, criteria, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = {s.criterion_id: s for s in assessment.scores.all()} if assessment else {}
        self.fields["row_version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=assessment and assessment.row_version
        )
        # Translated once per form rather than once per use: 20 criteria read them.
        not_applicable, justification = gettext("Sans objet"), gettext("Justification")
        for criterion in self.criteria:
            choices = [
                (str(level.value), f"{level.value} — {level.label}")
                for level in criterion.levels.all()
            ]
            if criterion.allows_not_applicable:
                choices.append((NOT_APPLICABLE, not_applicable))
            score = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=f"{criterion.code} — {criterion.label}",
                choices=choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                help_text=criterion.question,
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
        of the scoring page's time (issue 7's budget for it is 50 ms)."""
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
            attributes = format_html(
                "{}{}{}",
                mark_safe(" disabled") if score.field.disabled else "",
                mark_safe(' aria-invalid="true"') if score.errors else "",
                format_html(' aria-describedby="{}"', help_id) if help_id else "",
            )
            # One radio per level: <div class="form-check"><input …><label …>…</label></div>.
            radios = format_html_join(
                "\n",
                '<div class="form-check"><input type="radio" name="{}" value="{}" '
                'class="form-check-input" id="{}"{}{}><label class="form-check-label" for="{}">'
                "{}</label></div>",
                (
                    (
                        score.html_name,
                        value,
                        f"{score_id}_{index}",
                        mark_safe(" checked") if value == current else "",
                        attributes,
                        f"{score_id}_{index}",
                        label,
                    )
                    for index, (value, label) in enumerate(score.field.choices)
                ),
            )
            comment_value = comment.value()
            groups[-1][1].append(
                {
                    "code": criterion.code,
                    "is_core": criterion.is_core,
                    "label": score.label,
                    "question": criterion.question,
                    "help_id": help_id,
                    "radios": radios,
                    "errors": score.errors,
                    "comment_name": comment.html_name,
                    "comment_id": comment_id,
                    "comment_label": comment.label,
                    "comment_value": "" if comment_value is None else comment_value,
                    "comment_errors": comment.errors,
                    "comment_help": comment.help_text,
                    "comment_help_id": f"{comment_id}_help" if comment.help_text else "",
                }
            )
        return groups

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


class ReviewForm(AssessmentForm):
    """The reviewer's form: the shared criterion rows, then the overall opinion, strengths,
    weaknesses and recommended amount. A low score (the scale's minimum, or under the
    criterion's threshold) needs a justification, checked here so that the error sits next to
    the criterion and everything typed is shown again."""

    def __init__(self, *args, criteria, assessment=None, **kwargs):
        super().__init__(*args, criteria=criteria, assessment=assessment, **kwargs)
        self.fields["opinion"] = forms.ChoiceField(
            label=_("Avis global"),
            choices=[("", _("— à choisir —")), *Opinion.choices],
            required=False,
            widget=forms.Select(attrs={"class": "form-select"}),
            initial=assessment.opinion if assessment else "",
        )
        self.fields["strengths"] = forms.CharField(
            label=_("Points forts"),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            initial=assessment.strengths if assessment else "",
        )
        self.fields["weaknesses"] = forms.CharField(
            label=_("Points faibles"),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            initial=assessment.weaknesses if assessment else "",
        )
        self.fields["recommended_amount"] = forms.DecimalField(
            label=_("Montant recommandé (€)"),
            required=False,
            min_value=0,
            max_digits=12,
            decimal_places=2,
            widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            initial=assessment.recommended_amount if assessment else None,
        )
        required_help = gettext(
            "Obligatoire pour une note au minimum de l'échelle ou sous le seuil."
        )
        for criterion in self.criteria:
            self.fields[f"comment_{criterion.pk}"].help_text = required_help

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            choice = cleaned.get(f"score_{criterion.pk}")
            if not choice or choice == NOT_APPLICABLE:
                continue
            comment = (cleaned.get(f"comment_{criterion.pk}") or "").strip()
            if comment_required(criterion, int(choice)) and not comment:
                self.add_error(
                    f"comment_{criterion.pk}",
                    _("Justifiez cette note : elle est au minimum de l'échelle ou sous le seuil."),
                )
        return cleaned

    def overall_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in REVIEW_FIELDS]

    def review_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in REVIEW_FIELDS}


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Nature du conflit d'intérêts"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple : lien familial, professionnel ou financier avec le porteur."),
    )


class PoolAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de l'évaluateur"),
        help_text=_("Un évaluateur inscrit rejoint le vivier ; sinon il reçoit une invitation."),
    )


class AutoAssignForm(forms.Form):
    per_project = forms.IntegerField(
        label=_("Évaluateurs par projet"), min_value=1, max_value=10, initial=3
    )


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    password = forms.CharField(
        label=_("Mot de passe"), widget=forms.PasswordInput, min_length=10, strip=False
    )

    def clean_password(self):
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["outcome", "amount_granted", "motivation"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"amount_granted": _("Pour un projet retenu seulement.")}

    def clean(self):
        cleaned = super().clean()
        # Money goes to selected projects only: an amount typed before changing one's mind
        # is dropped rather than refused.
        if cleaned.get("outcome") != Outcome.SELECTED:
            cleaned["amount_granted"] = None
            self.instance.amount_granted = None
        return cleaned
