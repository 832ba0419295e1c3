from django.db import migrations

from grid.reference import install_reference_grid


def forwards(apps, schema_editor):
    install_reference_grid(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("grid", "0002_immutable_published_versions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
