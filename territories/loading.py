"""Loads the territories CSV files shipped in territories/data/ (INSEE COG, Licence Ouverte)."""

import csv
from pathlib import Path

from territories.text import normalise

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_territories(region_model, departement_model, commune_model) -> dict[str, int]:
    """Insert or update every région, département and commune. Idempotent: takes the model
    classes so that a data migration can pass its historical models."""
    regions = [
        region_model(
            code=row["code"],
            name=row["name"],
            zone=row["zone"],
            chef_lieu=row["chef_lieu"],
            population=int(row["population"]),
            position=index,
        )
        for index, row in enumerate(read_rows("regions"))
    ]
    departements = [
        departement_model(
            code=row["code"],
            name=row["name"],
            region_id=row["region_code"],
            zone=row["zone"],
            chef_lieu=row["chef_lieu"],
            population=int(row["population"]),
            position=index,
        )
        for index, row in enumerate(read_rows("departements"))
    ]
    communes = [
        commune_model(
            code=row["code"],
            name=row["name"],
            search_name=normalise(row["name"]),
            departement_id=row["departement_code"],
            region_id=row["region_code"],
            postal_codes=row["postal_codes"],
            population=int(row["population"] or 0),
        )
        for row in read_rows("communes")
    ]
    for model, objects, fields in (
        (region_model, regions, ["name", "zone", "chef_lieu", "population", "position"]),
        (
            departement_model,
            departements,
            ["name", "region", "zone", "chef_lieu", "population", "position"],
        ),
        (
            commune_model,
            communes,
            ["name", "search_name", "departement", "region", "postal_codes", "population"],
        ),
    ):
        model.objects.bulk_create(
            objects,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=fields,
        )
    return {"regions": len(regions), "departements": len(departements), "communes": len(communes)}
