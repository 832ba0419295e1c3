"""Choropleth maps of France, rendered server-side as inline SVG (no JavaScript, prints well).

Outlines: territories/data/france-map.json, extracted by scripts/extract_dsfr_map.py from npm
@gouvfr/dsfr-chart 2.0.4 (MIT, © 2021 DINUM; licence in france-map.LICENSE).
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from territories.figures import format_figure

MAP_FILE = Path(__file__).resolve().parent / "data" / "france-map.json"

# Sequential, colour-blind safe (ColorBrewer "Blues", 5 classes). "No data" is a grey hatch
# (defined in the template), so it is never read as the lightest class, i.e. a low value.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "url(#map-no-data)"
OVERSEAS = ("971", "972", "973", "974", "976")
PETITE_COURONNE = ("75", "92", "93", "94")
MAINLAND_SIZE = 1010
INSET_WIDTH, INSET_HEIGHT, INSET_GAP = 200, 150, 14


@cache
def outlines() -> dict:
    with open(MAP_FILE, encoding="utf-8") as handle:
        return json.load(handle)


@dataclass
class Shape:
    code: str
    name: str
    d: str
    fill: str
    value_label: str
    url: str = ""


@dataclass
class Frame:
    """One drawing area: the mainland, an overseas inset or the Paris zoom."""

    key: str
    label: str
    x: int
    y: int
    width: int
    height: int
    viewbox: str
    shapes: list[Shape] = field(default_factory=list)
    boxed: bool = True  # an inset, drawn in a box with its label


@dataclass
class LegendItem:
    fill: str
    label: str


def class_breaks(values: list[float], classes: int = len(PALETTE)) -> list[float]:
    """Upper bounds of equal-width classes between the smallest and largest value."""
    low, high = min(values), max(values)
    if high == low:
        return [high]
    step = (high - low) / classes
    return [low + step * (index + 1) for index in range(classes - 1)] + [high]


def colour_for(value: float | None, breaks: list[float]) -> str:
    if value is None or not breaks:
        return NO_DATA
    for index, bound in enumerate(breaks):
        if value <= bound + 1e-9:
            return PALETTE[index if len(breaks) > 1 else len(PALETTE) - 1]
    return PALETTE[-1]


def default_format(value) -> str:
    """Whole numbers as they are; others to one decimal, rounded half-up from the exact value
    (never truncated)."""
    return format_figure(value, 0 if value == int(value) else 1)


def france_map(
    *,
    level: str,
    values: dict[str, float | None],
    names: dict[str, str],
    value_format: Callable[[float], str] = default_format,
    url_for: Callable[[str], str] | None = None,
    title: str = "",
    zoom: Sequence[str] = (),
) -> dict:
    """Everything territories/_france_map.html needs to draw a choropleth.

    level: "region" or "departement"; values: INSEE code → figure (None or missing: no data);
    names: INSEE code → name, for each territory's tooltip and the accessible labels;
    zoom: at the "departement" level, the départements of the région drilled down to: the map
    zooms to them and draws them only.
    """
    if level not in ("region", "departement"):
        raise ValueError(f"Unknown map level: {level}")
    if zoom and level != "departement":
        raise ValueError("A map zooms to a région's départements only")
    data = outlines()
    source = data["regions"] if level == "region" else data["departements"]
    present = [float(value) for value in values.values() if value is not None]
    breaks = class_breaks(present) if present else []

    def shape(code: str) -> Shape:
        value = values.get(code)
        label = value_format(value) if value is not None else _("pas de donnée")
        return Shape(
            code=code,
            name=names.get(code, code),
            d=source[code]["d"],
            fill=colour_for(None if value is None else float(value), breaks),
            value_label=label,
            url=url_for(code) if url_for else "",
        )

    if zoom:
        return _zoomed_map(data, zoom, shape, values, value_format, title, present, breaks)
    mainland = Frame(
        key="metro",
        label=_("France métropolitaine"),
        x=0,
        y=0,
        width=MAINLAND_SIZE,
        height=MAINLAND_SIZE,
        viewbox=data["frames"]["metro"],
        boxed=False,
        shapes=[shape(code) for code, item in source.items() if item["frame"] == "metro"],
    )
    insets = []
    for index, key in enumerate(OVERSEAS):
        code = (
            key
            if level == "departement"
            else next(code for code, item in source.items() if item["frame"] == key)
        )
        insets.append(
            Frame(
                key=key,
                label=names.get(code, code),
                x=MAINLAND_SIZE + INSET_GAP,
                y=index * (INSET_HEIGHT + INSET_GAP) + 30,
                width=INSET_WIDTH,
                height=INSET_HEIGHT - 30,
                viewbox=data["frames"][key],
                shapes=[shape(code)],
            )
        )
    if level == "departement":
        boxes = [source[code]["bbox"] for code in PETITE_COURONNE]
        left = min(box[0] for box in boxes) - 2
        top = min(box[1] for box in boxes) - 2
        right = max(box[0] + box[2] for box in boxes) + 2
        bottom = max(box[1] + box[3] for box in boxes) + 2
        insets.append(
            Frame(
                key="paris",
                label=_("Paris et petite couronne"),
                x=10,
                y=40,
                width=190,
                height=190,
                viewbox=f"{left} {top} {right - left} {bottom - top}",
                shapes=[shape(code) for code in PETITE_COURONNE],
            )
        )
    return {
        "title": title,
        "level": level,
        "zoomed": False,
        "width": MAINLAND_SIZE + INSET_GAP + INSET_WIDTH,
        "height": MAINLAND_SIZE,
        "frames": [mainland, *insets],
        "legend": _legend(present, breaks, value_format, [values.get(code) for code in source]),
    }


# Room around a région zoomed to, as a share of its larger side.
ZOOM_MARGIN = 0.04


def _zoomed_map(data, zoom, shape, values, value_format, title, present, breaks) -> dict:
    """The map zoomed to one région: its départements filling the frame (on the mainland,
    their outlines' box with a margin; overseas, the département's own frame)."""
    codes = [code for code in zoom if code in data["departements"]]
    frames = {data["departements"][code]["frame"] for code in codes}
    if frames == {"metro"}:
        boxes = [data["departements"][code]["bbox"] for code in codes]
        left = min(box[0] for box in boxes)
        top = min(box[1] for box in boxes)
        width = max(box[0] + box[2] for box in boxes) - left
        height = max(box[1] + box[3] for box in boxes) - top
        margin = max(width, height) * ZOOM_MARGIN
        viewbox = " ".join(
            f"{number:g}"
            for number in (left - margin, top - margin, width + 2 * margin, height + 2 * margin)
        )
    elif len(frames) == 1:
        viewbox = data["frames"][frames.pop()]
    else:
        raise ValueError(f"Départements of several frames: {sorted(frames)}")
    frame = Frame(
        key="zoom",
        label="",
        x=0,
        y=0,
        width=MAINLAND_SIZE,
        height=MAINLAND_SIZE,
        viewbox=viewbox,
        shapes=[shape(code) for code in codes],
        boxed=False,
    )
    return {
        "title": title,
        "level": "departement",
        "zoomed": True,
        "width": MAINLAND_SIZE,
        "height": MAINLAND_SIZE,
        "frames": [frame],
        "legend": _legend(present, breaks, value_format, [values.get(code) for code in codes]),
    }


def _legend(present, breaks, value_format, shown_values) -> list[LegendItem]:
    if not breaks:
        legend = []
    elif len(breaks) == 1:
        legend = [LegendItem(PALETTE[-1], value_format(breaks[0]))]
    else:
        lows = [min(present), *breaks[:-1]]
        legend = [
            LegendItem(PALETTE[index], f"{value_format(low)} – {value_format(high)}")
            for index, (low, high) in enumerate(zip(lows, breaks, strict=True))
        ]
    if any(value is None for value in shown_values):
        legend.append(LegendItem(NO_DATA, _("pas de donnée")))
    return legend
