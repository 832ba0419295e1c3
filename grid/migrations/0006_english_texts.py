"""English twins of the grid's texts (grid name, axis and criterion labels, descriptions,
guiding questions, level labels), shown to people who read the pages in English, and the
reference grid's English texts (grid/data/reference-grid.json) written into its version 1."""

from importlib import import_module

from django.db import migrations, models

from grid.reference import fill_reference_english

# The module name starts with a digit: imported by name, for its trigger statements.
immutability = import_module("grid.migrations.0002_immutable_published_versions")


def drop_triggers(apps, schema_editor):
    """SQLite adds a NOT NULL column by rebuilding the table, which drops the table's triggers,
    and a trigger naming a table being rebuilt breaks the rename: every published-version
    guard is dropped first, then put back (PostgreSQL keeps them and is left alone)."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in immutability.sqlite_reverse():
            schema_editor.execute(statement)


def restore_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        drop_triggers(apps, schema_editor)
        for statement in immutability.sqlite_statements():
            schema_editor.execute(statement)


def fill(apps, schema_editor):
    fill_reference_english(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0005_constraint_messages"),
    ]

    operations = [
        # Both ways: guards off, columns added (or removed), guards back.
        migrations.RunPython(drop_triggers, restore_triggers),
        migrations.AddField(
            model_name="axis",
            name="label_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="libellé (anglais)"),
        ),
        migrations.AddField(
            model_name="criterion",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (anglais)"),
        ),
        migrations.AddField(
            model_name="criterion",
            name="label_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="libellé (anglais)"),
        ),
        migrations.AddField(
            model_name="criterion",
            name="question_en",
            field=models.TextField(blank=True, verbose_name="question guide (anglais)"),
        ),
        migrations.AddField(
            model_name="gridversion",
            name="label_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="libellé (anglais)"),
        ),
        migrations.AddField(
            model_name="grid",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="nom (anglais)"),
        ),
        migrations.AddField(
            model_name="scalelevel",
            name="label_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="libellé (anglais)"),
        ),
        migrations.RunPython(restore_triggers, drop_triggers),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
