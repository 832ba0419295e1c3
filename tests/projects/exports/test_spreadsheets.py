"""The call's spreadsheets: read back with openpyxl (XLSX) and csv, their figures checked
against the dashboard page's, formulas escaped, filters and sort carried, managers only."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.exports.spreadsheet import escape_formula
from tests.factories import AssessmentFactory, AssignmentFactory, CallFactory, UserFactory
from tests.projects.views.test_dashboards import add_reviewed_projects
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def workbook(response):
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content), read_only=True)


def sheet_rows(response, index=0) -> list[tuple]:
    book = workbook(response)
    return [tuple(row) for row in book.worksheets[index].iter_rows(values_only=True)]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def export(client, call, **params):
    return client.get(reverse("projects:call_export", args=[call.pk]), params)


def page_figures(content: str, project_id: int) -> dict[str, str]:
    """The figures the dashboard page writes in the row of `project_id`."""
    row = content[content.index(f'data-project="{project_id}"') :]
    row = row[: row.index("</tr>")]
    return dict(re.findall(r"data-([a-z-]+)>([^<]*)<", row))


def as_page(value) -> str:
    """An exported number written the way the page writes it."""
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def test_ranking_xlsx_has_the_pages_figures_in_the_pages_order(example, client):
    client.force_login(example["funder"])
    page = client.get(reverse("projects:call_dashboard", args=[example["call"].pk])).content

    response = export(client, example["call"], kind="ranking", format="xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = sheet_rows(response)
    header = rows[0]
    assert header[:3] == ("Rang", "N° projet", "Projet")
    body = rows[1:]
    assert [row[2] for row in body] == ["A", "B"]
    content = page.decode()
    for row in body:
        figures = page_figures(content, row[1])
        values = dict(zip(header, row, strict=True))
        assert as_page(values["Moyenne /100"]) == figures["mean"]
        assert as_page(values["Médiane /100"]) == figures["median"]
        assert as_page(values["Min."]) == figures["min"]
        assert as_page(values["Max."]) == figures["max"]
        assert as_page(values["Écart type"]) == figures["std-dev"]
    a = dict(zip(header, body[0], strict=True))
    assert (a["Moyenne /100"], a["Écart type"], a["Couverture (%)"]) == (61.11, 19.25, 88.9)
    assert (a["Évaluations soumises"], a["Évaluations attendues"]) == (3, 4)
    assert (a["Fort désaccord"], a["Socles"], a["Décision"]) == ("oui", "Atteints", "Retenu")
    assert a["Auto-évaluation /100"] == 87.5


def test_ranking_export_carries_the_dashboards_filters_and_sort(example, client):
    client.force_login(example["funder"])

    ascending = sheet_rows(export(client, example["call"], kind="ranking", sort="mean"))
    paris = csv_rows(export(client, example["call"], kind="ranking", format="csv", territory="75"))

    assert [row[2] for row in ascending[1:]] == ["B", "A"]
    assert paris[1][:3] == ["rang", "projet_id", "titre"]  # the machine names
    assert [row[2] for row in paris[2:]] == ["B"]


def test_workbook_has_a_data_dictionary_with_stable_names(example, client):
    client.force_login(example["funder"])

    book = workbook(export(client, example["call"], kind="projects"))

    assert book.sheetnames == ["Projets", "Dictionnaire"]
    dictionary = list(book["Dictionnaire"].iter_rows(values_only=True))
    assert dictionary[0] == ("Feuille", "Colonne", "Nom technique", "Contenu")
    assert ("Projets", "Commune (code INSEE)", "commune_code") in [r[:3] for r in dictionary]


def test_scores_export_has_one_row_per_counted_review_and_criterion(example, client):
    client.force_login(example["funder"])

    rows = sheet_rows(export(client, example["call"], kind="scores"))

    header, body = rows[0], rows[1:]
    # A: 3 counted reviews (the draft, the conflicted one and the withdrawn project's are
    # not); B: 2; 3 criteria each.
    assert len(body) == (3 + 2) * 3
    r1_on_a = [dict(zip(header, row, strict=True)) for row in body if row[1] == "A"][:3]
    assert [row["Évaluateur"] for row in r1_on_a] == ["R1"] * 3
    assert [row["Note"] for row in r1_on_a] == [2, 1, None]
    assert [row["Sans objet"] for row in r1_on_a] == ["non", "non", "oui"]
    assert r1_on_a[0]["Note globale /100"] == 83.33
    assert r1_on_a[0]["Version de la grille"] == example["call"].grid_version.number
    assert r1_on_a[0]["Niveau"]  # the level's label


def test_projects_export_gives_the_territory_with_insee_codes(example, client):
    client.force_login(example["funder"])

    rows = csv_rows(export(client, example["call"], kind="projects", format="csv"))

    names = rows[1]
    by_title = {row[1]: dict(zip(names, row, strict=True)) for row in rows[2:]}
    assert sorted(by_title) == ["A", "B"]  # the withdrawn W is not a project of the call
    a = by_title["A"]
    assert (a["commune_code"], a["departement_code"], a["region_code"]) == ("80021", "80", "32")
    assert (a["decision"], a["decision_etat"]) == ("Retenu", "Publiée")


HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_formula_prefixes_what_a_spreadsheet_would_evaluate(text):
    assert escape_formula(text) == "'" + text
    assert escape_formula("Jardins = partage") == "Jardins = partage"
    assert escape_formula(-3) == -3


def test_hostile_titles_and_comments_stay_text_in_both_formats(example, client):
    project = example["b"]
    project.title = "=cmd|' /C calc'!A0"
    project.save(update_fields=["title"])
    reviewer = UserFactory(full_name="@Évaluateur")
    AssignmentFactory(project=project, reviewer=reviewer)
    AssessmentFactory(
        project=project,
        author=reviewer,
        submitted=True,
        scores={"K1": 1, "K2": 1, "K3": 1},
        strengths="+33 6 12",
    )
    project.refresh_from_db()
    client.force_login(example["funder"])

    xlsx = sheet_rows(export(client, example["call"], kind="scores"))
    text = csv_rows(export(client, example["call"], kind="scores", format="csv"))

    cells = {cell for row in xlsx[1:] for cell in row if isinstance(cell, str)}
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'@Évaluateur" in cells and "'+33 6 12" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    flat = {cell for row in text[2:] for cell in row}
    assert "'=cmd|' /C calc'!A0" in flat
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in flat)


def test_export_is_denied_to_another_funder_and_to_reviewers(example, client):
    other_call = CallFactory(grid_version=example["call"].grid_version)
    client.force_login(example["funder"])

    assert export(client, other_call).status_code == 403
    client.force_login(example["reviewers"][0])
    assert export(client, example["call"], kind="scores").status_code == 403


def test_unknown_kind_or_format_is_not_found(example, client):
    client.force_login(example["funder"])

    assert export(client, example["call"], kind="everything").status_code == 404
    assert export(client, example["call"], format="ods").status_code == 404


@pytest.mark.parametrize("kind", ["ranking", "scores", "projects"])
@pytest.mark.parametrize("size", [1, 3])
def test_export_query_count_does_not_grow(example, client, kind, size):
    add_reviewed_projects(example["call"], size)
    client.force_login(example["funder"])

    with count_queries(EXPORT_QUERIES[kind]):
        response = export(client, example["call"], kind=kind, format="csv")
        b"".join(response.streaming_content)

    assert response.status_code == 200


EXPORT_QUERIES = {"ranking": 8, "scores": 6, "projects": 5}
