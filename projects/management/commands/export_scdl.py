"""manage.py export_scdl --call ID [--output FILE]: the call's published subsidies as an SCDL
« subventions » 2.1.1 CSV, on standard output or in FILE."""

from django.core.management.base import BaseCommand, CommandError

from projects.exports import scdl
from projects.models import Call


class Command(BaseCommand):
    help = "Écrit les subventions publiées d'un appel au format SCDL « subventions » 2.1.1."

    def add_arguments(self, parser):
        parser.add_argument("--call", type=int, required=True, help="Numéro de l'appel.")
        parser.add_argument("--output", help="Fichier à écrire (sinon la sortie standard).")

    def handle(self, *args, call, output=None, **options):
        try:
            found_call = Call.objects.select_related("funder").get(pk=call)
        except Call.DoesNotExist:
            raise CommandError(f"Aucun appel n° {call}.") from None
        found = scdl.scdl_file(found_call)
        if found.problems:
            raise CommandError(
                "Le fichier ne serait pas valide :\n- " + "\n- ".join(found.problems)
            )
        text = "".join(scdl.scdl_lines(found.rows))
        if output:
            with open(output, "w", encoding="utf-8", newline="") as target:
                target.write(text)
            self.stderr.write(f"{len(found.rows)} subvention(s) écrite(s) dans {output}.")
        else:
            self.stdout.write(text, ending="")
