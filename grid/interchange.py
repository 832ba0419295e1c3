"""The JSON exchange format of a grid version: the shape of grid/data/reference-grid.json,
extended with optional per-criterion values (weight, scale, levels, threshold, "not applicable")
so that export → import → export gives back the same file.

Top-level `scale` and `default_weights` stay the defaults that criteria fall back to, as in
the reference file; an export also writes every criterion's own values, which win on import.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from grid.models import CriterionKind

# A scale wider than this is a typing mistake, not a grid: it also bounds the level fields.
MAX_LEVELS = 11
# Bounds checked before anything reaches the database, so that SQLite (which would store
# them) and PostgreSQL (which would refuse them with an error) answer alike.
MAX_DEPTH = 8
MAX_TEXT = 5000
LABEL_LENGTH = 200
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
SCALE_BOUND = 1000


def _shape_problems(payload) -> list[str]:
    """Nesting deeper than the format's, NUL characters and texts longer than any field, in
    any value of the file (walked without recursion)."""
    problems: list[str] = []
    stack = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return [_("Le fichier est imbriqué trop profondément pour être une grille.")]
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            if "\x00" in value:
                problems.append(_("Le fichier contient un caractère nul (\\x00)."))
            elif len(value) > MAX_TEXT:
                problems.append(
                    _("Un texte du fichier dépasse %(max)s caractères.") % {"max": MAX_TEXT}
                )
    return sorted(set(problems))


def _label_problem(label, where: str) -> str | None:
    if label and len(label) > LABEL_LENGTH:
        return _("%(where)s : le libellé dépasse %(max)s caractères.") % {
            "where": where,
            "max": LABEL_LENGTH,
        }
    return None


def _number(value: Decimal) -> int | float:
    """A weight as a JSON number: 2 rather than "2.00", 1.5 rather than "1.50"."""
    return int(value) if value == value.to_integral_value() else float(value)


def _levels(levels, *, descriptors: bool = True) -> list[dict]:
    """Levels with their descriptors (French `description`, English `description_en`), each
    written only when not blank: a file without them stays valid."""
    rows = []
    for level in levels:
        row = {"value": level.value, "fr": level.label}
        if descriptors and level.description:
            row["description"] = level.description
        if descriptors and level.description_en:
            row["description_en"] = level.description_en
        rows.append(row)
    return rows


def version_export(version) -> dict:
    """A version as the exchange dictionary. Expects `version` to come from
    `grid.selectors.grid_version_detail` (tree prefetched)."""
    axes = list(version.axes.all())
    criteria = [criterion for axis in axes for criterion in axis.criteria.all()]
    criteria.sort(key=lambda criterion: (criterion.position, criterion.code))
    first = criteria[0] if criteria else None
    default_weights = {}
    for kind in CriterionKind.values:
        weights = [c.weight for c in criteria if c.kind == kind]
        default_weights[kind] = _number(weights[0]) if weights else 1
    axis_codes = {axis.pk: axis.code for axis in axes}
    return {
        "slug": version.grid.slug,
        "name": {"fr": version.grid.name},
        "version_label": version.label,
        "provenance": version.grid.description,
        "scale": {
            "min": first.scale_min if first else 0,
            "max": first.scale_max if first else 3,
            # The default labels only: descriptors belong to each criterion's own scale.
            "levels": _levels(first.levels.all(), descriptors=False) if first else [],
            "allows_not_applicable": first.allows_not_applicable if first else False,
        },
        "default_weights": default_weights,
        "axes": [
            {"code": axis.code, "fr": axis.label, "description": axis.description} for axis in axes
        ],
        "criteria": [
            {
                "code": criterion.code,
                "axis": axis_codes[criterion.axis_id],
                "kind": criterion.kind,
                "fr": criterion.label,
                "description": criterion.description,
                "question": criterion.question,
                "weight": _number(criterion.weight),
                "scale": {
                    "min": criterion.scale_min,
                    "max": criterion.scale_max,
                    "levels": _levels(criterion.levels.all()),
                },
                "allows_not_applicable": criterion.allows_not_applicable,
                "threshold": criterion.threshold,
            }
            for criterion in criteria
        ],
    }


def _text(value) -> str | None:
    """A French label: a plain string or {"fr": "..."}."""
    if isinstance(value, dict):
        value = value.get("fr")
    return value.strip() if isinstance(value, str) else None


def _descriptor(value) -> str:
    """A level descriptor: optional text (older files have none)."""
    return value.strip() if isinstance(value, str) else ""


def _int(value) -> int | None:
    # bool is an int in Python; a JSON true is not a scale bound.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _parse_scale(scale, where: str, problems: list[str]) -> dict | None:
    if not isinstance(scale, dict):
        problems.append(
            _("%(where)s : l'échelle doit être un objet {min, max, levels}.") % {"where": where}
        )
        return None
    low, high = _int(scale.get("min")), _int(scale.get("max"))
    if low is None or high is None:
        problems.append(
            _("%(where)s : le minimum et le maximum de l'échelle doivent être des entiers.")
            % {"where": where}
        )
        return None
    if abs(low) > SCALE_BOUND or abs(high) > SCALE_BOUND:
        problems.append(
            _("%(where)s : les bornes de l'échelle sont comprises entre -%(max)s et %(max)s.")
            % {"where": where, "max": SCALE_BOUND}
        )
        return None
    if low >= high:
        problems.append(
            _("%(where)s : le minimum de l'échelle doit être inférieur au maximum.")
            % {"where": where}
        )
        return None
    if high - low + 1 > MAX_LEVELS:
        problems.append(
            _("%(where)s : l'échelle compte au plus %(count)s niveaux.")
            % {"where": where, "count": MAX_LEVELS}
        )
        return None
    levels, descriptions, descriptions_en = {}, {}, {}
    raw_levels = scale.get("levels", [])
    if not isinstance(raw_levels, list):
        problems.append(_("%(where)s : les niveaux doivent être une liste.") % {"where": where})
        return None
    for raw in raw_levels:
        value = _int(raw.get("value")) if isinstance(raw, dict) else None
        label = _text(raw.get("fr")) if isinstance(raw, dict) else None
        if value is None or not (low <= value <= high):
            problems.append(
                _("%(where)s : un niveau a une valeur hors de l'échelle.") % {"where": where}
            )
            continue
        if value in levels:
            problems.append(
                _("%(where)s : le niveau %(value)s est décrit deux fois.")
                % {"where": where, "value": value}
            )
            continue
        if label and (problem := _label_problem(label, where)):
            problems.append(problem)
        elif label:
            levels[value] = label
            descriptions[value] = _descriptor(raw.get("description"))
            descriptions_en[value] = _descriptor(raw.get("description_en"))
    missing = [str(value) for value in range(low, high + 1) if value not in levels]
    if missing:
        problems.append(
            _("%(where)s : il manque le libellé des niveaux %(values)s.")
            % {"where": where, "values": ", ".join(missing)}
        )
    return {
        "min": low,
        "max": high,
        "levels": levels,
        "level_descriptions": descriptions,
        "level_descriptions_en": descriptions_en,
    }


def _parse_weight(value, where: str, problems: list[str]) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        problems.append(_("%(where)s : le poids doit être un nombre.") % {"where": where})
        return None
    try:
        weight = Decimal(str(value))
    except InvalidOperation:
        problems.append(_("%(where)s : le poids doit être un nombre.") % {"where": where})
        return None
    if not weight.is_finite() or weight <= 0:
        problems.append(_("%(where)s : le poids doit être supérieur à 0.") % {"where": where})
        return None
    # Compared with 10,000 first: quantizing 1e308 raises InvalidOperation.
    if weight >= 10000 or weight != weight.quantize(Decimal("0.01")):
        problems.append(
            _("%(where)s : le poids a au plus deux décimales et quatre chiffres avant la virgule.")
            % {"where": where}
        )
        return None
    return weight


def parse_payload(payload) -> tuple[dict | None, list[str]]:
    """Check an exchange dictionary; return (clean data, []) or (None, problems in French).

    Nothing is written here: the caller creates rows only from clean data."""
    problems: list[str] = []
    if not isinstance(payload, dict):
        return None, [_("Le fichier doit contenir un objet JSON décrivant une grille.")]
    shape = _shape_problems(payload)
    if shape:
        return None, shape
    slug = payload.get("slug")
    name = _text(payload.get("name"))
    if not isinstance(slug, str) or not slug.strip():
        problems.append(_("Champ obligatoire manquant : « slug » (identifiant de la grille)."))
    elif not SLUG.match(slug.strip()):
        problems.append(
            _(
                "« slug » : lettres minuscules sans accent, chiffres, tirets et soulignés, "
                "100 caractères au plus."
            )
        )
    if not name:
        problems.append(_("Champ obligatoire manquant : « name » (nom de la grille)."))
    elif problem := _label_problem(name, _("Nom de la grille")):
        problems.append(problem)
    if problem := _label_problem(
        str(payload.get("version_label", "") or ""), _("Libellé de la version")
    ):
        problems.append(problem)
    default_scale = None
    if "scale" in payload:
        default_scale = _parse_scale(payload["scale"], _("Échelle par défaut"), problems)
    default_na = (
        bool(payload.get("scale", {}).get("allows_not_applicable", False))
        if isinstance(payload.get("scale"), dict)
        else False
    )
    default_weights = payload.get("default_weights", {})
    if not isinstance(default_weights, dict):
        problems.append(_("« default_weights » doit être un objet {core, complementary}."))
        default_weights = {}

    axes = payload.get("axes")
    clean_axes = []
    if not isinstance(axes, list) or not axes:
        problems.append(_("La grille doit contenir une liste d'axes non vide (« axes »)."))
        axes = []
    for index, axis in enumerate(axes, start=1):
        where = _("Axe n°%(index)s") % {"index": index}
        code = axis.get("code") if isinstance(axis, dict) else None
        label = _text(axis.get("fr")) if isinstance(axis, dict) else None
        if not isinstance(code, str) or not code.strip() or len(code) > 10:
            problems.append(
                _("%(where)s : code manquant ou trop long (10 caractères au plus).")
                % {"where": where}
            )
            continue
        if not label:
            problems.append(
                _("%(where)s (%(code)s) : libellé manquant.") % {"where": where, "code": code}
            )
        elif problem := _label_problem(label, where):
            problems.append(problem)
        if code in {a["code"] for a in clean_axes}:
            problems.append(_("Le code d'axe %(code)s est utilisé deux fois.") % {"code": code})
            continue
        clean_axes.append(
            {
                "code": code,
                "label": label or "",
                "description": str(axis.get("description", "") or ""),
            }
        )
    axis_codes = {axis["code"] for axis in clean_axes}

    criteria = payload.get("criteria")
    clean_criteria = []
    if not isinstance(criteria, list) or not criteria:
        problems.append(_("La grille doit contenir une liste de critères non vide (« criteria »)."))
        criteria = []
    seen = set()
    for index, item in enumerate(criteria, start=1):
        if not isinstance(item, dict):
            problems.append(_("Critère n°%(index)s : un objet est attendu.") % {"index": index})
            continue
        code = item.get("code")
        where = _("Critère n°%(index)s (%(code)s)") % {"index": index, "code": code}
        if not isinstance(code, str) or not code.strip() or len(code) > 10:
            problems.append(
                _("Critère n°%(index)s : code manquant ou trop long (10 caractères au plus).")
                % {"index": index}
            )
            continue
        if code in seen:
            problems.append(_("Le code %(code)s est utilisé deux fois.") % {"code": code})
            continue
        seen.add(code)
        label = _text(item.get("fr"))
        if not label:
            problems.append(_("%(where)s : libellé manquant.") % {"where": where})
        elif problem := _label_problem(label, where):
            problems.append(problem)
        if item.get("axis") not in axis_codes:
            problems.append(
                _("%(where)s : axe inconnu « %(axis)s ».")
                % {"where": where, "axis": item.get("axis")}
            )
        kind = item.get("kind")
        if kind not in CriterionKind.values:
            problems.append(
                _("%(where)s : la nature doit être « core » ou « complementary ».")
                % {"where": where}
            )
        if "scale" in item:
            scale = _parse_scale(item["scale"], where, problems)
        elif default_scale is not None:
            scale = default_scale
        else:
            problems.append(
                _("%(where)s : aucune échelle (ni propre ni par défaut).") % {"where": where}
            )
            scale = None
        weight = _parse_weight(item.get("weight", default_weights.get(kind, 1)), where, problems)
        threshold = item.get("threshold")
        if threshold is not None:
            threshold = _int(threshold)
            if threshold is None or (scale and not (scale["min"] <= threshold <= scale["max"])):
                problems.append(
                    _("%(where)s : le seuil éliminatoire doit être compris dans l'échelle.")
                    % {"where": where}
                )
        allows_na = item.get("allows_not_applicable", default_na)
        if not isinstance(allows_na, bool):
            problems.append(
                _("%(where)s : « allows_not_applicable » doit valoir true ou false.")
                % {"where": where}
            )
        clean_criteria.append(
            {
                "code": code,
                "axis": item.get("axis"),
                "kind": kind,
                "label": label or "",
                "description": str(item.get("description", "") or ""),
                "question": str(item.get("question", "") or ""),
                "weight": weight,
                "scale": scale,
                "threshold": threshold,
                "allows_not_applicable": allows_na,
            }
        )
    if clean_criteria and not any(c["kind"] == CriterionKind.CORE for c in clean_criteria):
        problems.append(_("La grille doit contenir au moins un critère socle."))
    if problems:
        return None, problems
    return {
        "slug": slug.strip(),
        "name": name,
        "description": str(payload.get("provenance", "") or ""),
        "version_label": str(payload.get("version_label", "") or ""),
        "axes": clean_axes,
        "criteria": clean_criteria,
    }, []
