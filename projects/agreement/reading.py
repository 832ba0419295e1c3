"""Ratings read from a long-format CSV file, and the report of the `agreement` command."""

import numpy as np

from projects.agreement.alpha import METRICS, RATIO, Ratings, krippendorff_alpha
from projects.agreement.icc import icc, ratings_needed


class RatingsError(ValueError):
    """A ratings file that cannot be read, with a message in French saying where and why."""


def _number(text: str) -> float:
    """A rating as written in a CSV file: "2", "2.5" or, French style, "2,5"."""
    value = float(text.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))
    if not np.isfinite(value):
        raise ValueError(text)
    return value


def ratings_from_rows(rows) -> Ratings:
    """Ratings in long form from the rows of a CSV file (lists of strings): a header row,
    then one row per rating: unit, rater, value; further columns are ignored and a missing
    rating is an absent row (an empty value is read as missing too)."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise RatingsError(
            "Le fichier est vide : il faut une ligne d'en-tête puis une note par ligne."
        )
    if len(header) < 3:
        raise RatingsError(
            "La ligne d'en-tête a moins de trois colonnes : il faut unité, évaluateur, note "
            "(séparées par des virgules ou des points-virgules)."
        )
    triples, seen = [], {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 3:
            raise RatingsError(
                f"Ligne {line} : trois colonnes attendues (unité, évaluateur, note)."
            )
        unit, rater, text = row[0].strip(), row[1].strip(), row[2].strip()
        if not unit or not rater:
            raise RatingsError(f"Ligne {line} : l'unité et l'évaluateur sont obligatoires.")
        if not text:
            continue
        try:
            value = _number(text)
        except ValueError:
            raise RatingsError(f"Ligne {line} : « {text} » n'est pas un nombre.") from None
        if (unit, rater) in seen:
            raise RatingsError(
                f"Ligne {line} : l'évaluateur « {rater} » a déjà noté l'unité « {unit} » "
                f"(ligne {seen[unit, rater]}) ; une seule note par unité et par évaluateur."
            )
        seen[unit, rater] = line
        triples.append((unit, rater, value))
    if not triples:
        raise RatingsError("Le fichier ne contient aucune note.")
    return Ratings.of(triples)


def _rounded(value: float | None, places: int = 6) -> float | None:
    return None if value is None else round(float(value), places)


def agreement_report(ratings: Ratings) -> dict:
    """Every statistic the data allow, as plain data (the `agreement` command's JSON): α for
    the four metrics, the Shrout & Fleiss ICCs (None where the design does not allow them)
    and the ratings per unit needed to reach 0.80 from ICC(1,1)."""
    units = np.bincount(np.unique(ratings.unit, return_inverse=True)[1])
    found = icc(ratings.unit, ratings.rater, ratings.value)
    ratio_allowed = bool((ratings.value >= 0).all())
    return {
        "ratings": ratings.count,
        "units": len(ratings.unit_labels),
        "pairable_units": int((units >= 2).sum()),
        "raters": len(ratings.rater_labels),
        "alpha": {
            metric: _rounded(
                krippendorff_alpha(ratings.unit, ratings.value, metric)
                if metric != RATIO or ratio_allowed
                else None
            )
            for metric in METRICS
        },
        "icc": None
        if found is None
        else {
            "design": "crossed" if found.crossed else "one-way",
            "k": _rounded(found.k),
            "ICC(1,1)": _rounded(found.icc1_1),
            "ICC(2,1)": _rounded(found.icc2_1),
            "ICC(3,1)": _rounded(found.icc3_1),
            "ICC(1,k)": _rounded(found.icc1_k),
            "ICC(2,k)": _rounded(found.icc2_k),
            "ICC(3,k)": _rounded(found.icc3_k),
        },
        "ratings_needed_for_0.80": None if found is None else ratings_needed(found.icc1_1),
    }
