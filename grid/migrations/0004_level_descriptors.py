"""Anchored levels: an English descriptor beside the French one, and the reference grid's
descriptors (grid/data/reference-grid.json) written into its version 1."""

from importlib import import_module

from django.db import migrations, models

from grid.reference import fill_reference_descriptors

# The module name starts with a digit: imported by name, for its trigger statements.
immutability = import_module("grid.migrations.0002_immutable_published_versions")


def restore_level_triggers(apps, schema_editor):
    """SQLite adds the column by rebuilding the table, which drops its triggers: put the
    published-version guard of grid_scalelevel back (PostgreSQL keeps it)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in immutability.sqlite_reverse():
        if "grid_scalelevel" in statement:
            schema_editor.execute(statement)
    for statement in immutability.sqlite_statements():
        if "ON grid_scalelevel" in statement:
            schema_editor.execute(statement)


def fill(apps, schema_editor):
    fill_reference_descriptors(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("grid", "0003_reference_grid")]
    operations = [
        # Undoing the column rebuilds the table again: the guard is restored last on the way back.
        migrations.RunPython(migrations.RunPython.noop, restore_level_triggers),
        migrations.AlterField(
            model_name="scalelevel",
            name="description",
            field=models.TextField(blank=True, verbose_name="descripteur"),
        ),
        migrations.AddField(
            model_name="scalelevel",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="descripteur (anglais)"),
        ),
        migrations.RunPython(restore_level_triggers, migrations.RunPython.noop),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
