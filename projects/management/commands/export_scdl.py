"""manage.py export_scdl --call ID [--output FILE]: the call's published subsidies as an SCDL
« subventions » 2.1.1 CSV, on standard output or in FILE."""

from django.core.management.base import CommandError

from projects.exports import scdl
from projects.management.call_file import CallFileCommand


class Command(CallFileCommand):
    help = "Écrit les subventions publiées d'un appel au format SCDL « subventions » 2.1.1."

    def file_text(self, call):
        found = scdl.scdl_file(call)
        if found.problems:
            raise CommandError(
                "Le fichier ne serait pas valide :\n- " + "\n- ".join(found.problems)
            )
        written = f"{len(found.rows)} subvention(s) écrite(s)"
        return "".join(scdl.scdl_lines(found.rows)), written
