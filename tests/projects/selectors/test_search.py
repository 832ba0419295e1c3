"""The search selector: every word, accents and case aside, on what the viewer may read; the
same answers on SQLite and PostgreSQL (French stemming on top on PostgreSQL)."""

import importlib

import pytest
from django.db import connection

from projects.models import Assignment, Call, Project
from projects.selectors.search import MAX_TERMS, search_calls, search_projects, search_terms
from territories.models import Commune
from territories.text import fold
from tests.factories import AssignmentFactory, CallFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def found(query, **kwargs) -> set[str]:
    return {p.title for p in search_projects(Project.objects.all(), query, **kwargs)}


@pytest.fixture
def projects(db):
    bethune = Commune.objects.get(code="62119")
    evreux = Commune.objects.get(code="27229")
    ProjectFactory(
        title="Jardin partagé des Écluses",
        summary="Maraîchage et insertion.",
        organisation=OrganisationFactory(name="Les Potagers Solidaires"),
        commune=bethune,
    )
    ProjectFactory(
        title="Épicerie solidaire",
        summary="Une œuvre d'entraide alimentaire.",
        organisation=OrganisationFactory(name="Coopérative L'Élan"),
        commune=evreux,
    )
    ProjectFactory(title="Tiers-lieu numérique", summary="", commune=None)


def test_fold_lowers_and_drops_accents_ligatures_and_joiners():
    assert fold("Épicerie Œuvre L'Élan Saint-Omer ÇA") == "epicerie oeuvre l elan saint omer ca"


def test_search_terms_are_folded_unique_bounded_and_free_of_control_characters():
    assert search_terms("  Écluses écluses\x00jardin\t") == ["ecluses", "jardin"]
    assert len(search_terms(" ".join(f"mot{n}" for n in range(50)))) == MAX_TERMS
    assert search_terms("x" * 100_000) == ["x" * 200]
    assert search_terms("") == []


def test_projects_are_found_on_each_field_accents_and_case_aside(projects):
    assert found("ÉCLUSES") == {"Jardin partagé des Écluses"}  # title
    assert found("maraichage") == {"Jardin partagé des Écluses"}  # summary, without accent
    assert found("oeuvre") == {"Épicerie solidaire"}  # ligature
    assert found("potagers") == {"Jardin partagé des Écluses"}  # holder organisation
    assert found("l'élan") == {"Épicerie solidaire"}  # apostrophe
    assert found("evreux") == {"Épicerie solidaire"}  # commune
    assert found("tiers-lieu") == {"Tiers-lieu numérique"}  # hyphen; no commune: no error


def test_every_word_must_match_somewhere(projects):
    assert found("solidaire") == {"Épicerie solidaire", "Jardin partagé des Écluses"}
    assert found("solidaire béthune") == {"Jardin partagé des Écluses"}
    assert found("solidaire paris") == set()


def test_an_empty_search_keeps_everything_and_odd_input_finds_nothing(projects):
    assert len(found("  ")) == 3
    assert found("%") == set()  # a LIKE wildcard is a character like another
    assert found("_") == set()
    assert found("\x00") == {
        "Épicerie solidaire",
        "Jardin partagé des Écluses",
        "Tiers-lieu numérique",
    }
    assert found("x" * 100_000) == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="French stemming: PostgreSQL")
def test_postgresql_adds_french_stemming(projects):
    assert found("jardins partagés") == {"Jardin partagé des Écluses"}


def test_blind_calls_hide_the_holder_and_commune_from_a_reviewer_search(projects):
    blind = Project.objects.get(title="Jardin partagé des Écluses")
    Call.objects.filter(pk=blind.call_id).update(blind_mode=True)
    seen = Project.objects.get(title="Épicerie solidaire")

    assert found("potagers", blind_for_reviewer=True) == set()
    assert found("bethune", blind_for_reviewer=True) == set()
    assert found("ecluses", blind_for_reviewer=True) == {"Jardin partagé des Écluses"}
    assert found("evreux", blind_for_reviewer=True) == {seen.title}  # not blind
    assert found("potagers") == {"Jardin partagé des Écluses"}  # the call's managers


def test_a_path_searches_projects_through_another_model(projects):
    assignment = AssignmentFactory(project=Project.objects.get(title="Épicerie solidaire"))
    AssignmentFactory()

    found_ids = search_projects(
        Assignment.objects.all(), "élan", path="project__", blind_for_reviewer=True
    )

    assert list(found_ids) == [assignment]


def test_calls_are_found_on_title_description_and_funder():
    call = CallFactory(
        title="Économie circulaire",
        description="Réemploi et réparation.",
        funder=OrganisationFactory(name="Région Hauts-de-France"),
    )
    CallFactory(title="Autre appel")
    calls = Call.objects.all()

    assert list(search_calls(calls, "economie")) == [call]
    assert list(search_calls(calls, "REEMPLOI")) == [call]
    assert list(search_calls(calls, "hauts de france")) == [call]
    assert list(search_calls(calls, "circulaire inconnu")) == []


def test_the_search_text_follows_edits_and_a_renamed_organisation(projects):
    project = Project.objects.get(title="Épicerie solidaire")
    project.title = "Épicerie itinérante"
    project.save(update_fields=["title"])
    assert found("itinerante") == {"Épicerie itinérante"}
    assert found("solidaire") == {"Jardin partagé des Écluses"}  # the other's organisation

    project.organisation.name = "La Tournée du Marché"
    project.organisation.save()

    assert found("tournee marche") == {"Épicerie itinérante"}
    assert found("elan") == set()


def test_the_french_full_text_query_reads_the_index(projects):
    """On PostgreSQL the stemmed query is answered from the GIN index of migration 0012."""
    if connection.vendor != "postgresql":
        pytest.skip("French full-text search is PostgreSQL's")
    assert "project_search_fts" in _plan(search_projects(Project.objects.all(), "jardins"))


def _plan(queryset) -> str:
    """The statement's plan as if the table were large: on a test's three projects a scan is
    cheapest, of the table or of its primary key (once analysed), so both are ruled out."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_word_is_found_through_the_trigram_index(projects):
    """On PostgreSQL each word's substring match is answered from the trigram index of
    migration 0015 (with a short word beside it, checked on the rows the index finds)."""
    if connection.vendor != "postgresql":
        pytest.skip("The trigram index is PostgreSQL's")
    assert "project_search_trgm" in _plan(search_projects(Project.objects.all(), "ecluses"))
    assert "project_search_trgm" in _plan(
        search_projects(Assignment.objects.all(), "potagers de", path="project__")
    )
    assert found("ecluses de") == {"Jardin partagé des Écluses"}


def test_without_the_trigram_index_a_search_finds_the_same(projects):
    """A database that refuses pg_trgm gets no index (migration 0015): the same answers."""
    if connection.vendor != "postgresql":
        pytest.skip("The trigram index is PostgreSQL's")
    queries = ["ecluses", "solidaire bethune", "potagers de", "l'élan", "tiers-lieu", "%"]
    with_index = [found(query) for query in queries]
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX project_search_trgm")  # undone with the test's transaction

    assert [found(query) for query in queries] == with_index


def test_the_trigram_migration_skips_an_extension_the_database_refuses():
    """CREATE EXTENSION refused (no privilege): the migration goes on, without the index."""
    if connection.vendor != "postgresql":
        pytest.skip("The trigram index is PostgreSQL's")
    migration = importlib.import_module("projects.migrations.0015_project_search_trigrams")
    executed = []

    class Refusing:
        """A schema editor whose database has no such extension to give: a real error,
        which aborts the transaction unless the migration guards it."""

        connection = connection

        def execute(self, sql):
            executed.append(sql)
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("pg_trgm", "pg_trgm_refused"))

    migration.create_trigram_index(None, Refusing())

    assert executed == ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the transaction is still usable
