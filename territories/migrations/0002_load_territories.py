from django.db import migrations

from territories.loading import load_territories


def forwards(apps, schema_editor):
    load_territories(
        apps.get_model("territories", "Region"),
        apps.get_model("territories", "Departement"),
        apps.get_model("territories", "Commune"),
    )


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
