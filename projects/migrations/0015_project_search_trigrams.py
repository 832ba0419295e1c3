from django.db import DatabaseError, migrations, transaction

# The projects' folded document of `projects.selectors.search.PROJECT_DOCUMENT_SQL`, indexed
# by trigrams on PostgreSQL so that a search's "every word as a substring" (LIKE '%word%')
# reads the index instead of every project of the call. SQLite keeps its scan.
TRIGRAM_INDEX = (
    "CREATE INDEX project_search_trgm ON projects_project USING gin "
    "((search_public || ' ' || search_identity) gin_trgm_ops)"
)


def create_trigram_index(apps, schema_editor):
    """pg_trgm ships with PostgreSQL and is trusted from PostgreSQL 13 (a database owner may
    create it), but a hosted database may still refuse it: the search then works without
    the index (the same answers, read by a scan), so a refusal is no reason to fail."""
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        # A savepoint: a refused statement must not abort the migration's transaction.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(TRIGRAM_INDEX)
    except DatabaseError:
        pass


def drop_trigram_index(apps, schema_editor):
    # The extension stays: it may have been there before, and other objects of the database may
    # use it; unused, it costs nothing.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS project_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0014_ranking_partial_indexes"),
    ]

    operations = [
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
