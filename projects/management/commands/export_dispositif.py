"""manage.py export_dispositif --call ID [--output FILE]: the call in the Etalab « dispositif
d'aide » schema (CSV, one row), on standard output or in FILE."""

from django.core.management.base import BaseCommand, CommandError

from projects.exports import dispositif
from projects.models import Call


class Command(BaseCommand):
    help = "Écrit un appel au format Etalab « dispositif d'aide »."

    def add_arguments(self, parser):
        parser.add_argument("--call", type=int, required=True, help="Numéro de l'appel.")
        parser.add_argument("--output", help="Fichier à écrire (sinon la sortie standard).")

    def handle(self, *args, call, output=None, **options):
        try:
            found_call = Call.objects.select_related("funder").get(pk=call)
        except Call.DoesNotExist:
            raise CommandError(f"Aucun appel n° {call}.") from None
        text = dispositif.dispositif_csv(found_call)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as target:
                target.write(text)
            self.stderr.write(f"Dispositif écrit dans {output}.")
        else:
            self.stdout.write(text, ending="")
