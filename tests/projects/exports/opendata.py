"""Validating the open-data files against the vendored table schemas (frictionless)."""

import json
from pathlib import Path

from frictionless import Resource, Schema

import projects.exports

SCHEMAS = Path(projects.exports.__file__).parent / "data"


def errors_against(text: str, schema_file: str, tmp_path) -> list:
    """The schema's complaints about the CSV `text`: [] when it is valid."""
    path = tmp_path / "fichier.csv"
    path.write_text(text, encoding="utf-8", newline="")
    schema = Schema.from_descriptor(json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8")))
    report = Resource(path=path.name, basepath=str(tmp_path), schema=schema).validate()
    return report.flatten(["rowNumber", "fieldName", "type", "note"])
