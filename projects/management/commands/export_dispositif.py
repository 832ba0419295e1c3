"""manage.py export_dispositif --call ID [--output FILE]: the call in the Etalab « dispositif
d'aide » schema (CSV, one row), on standard output or in FILE."""

from projects.exports import dispositif
from projects.management.call_file import CallFileCommand


class Command(CallFileCommand):
    help = "Écrit un appel au format Etalab « dispositif d'aide »."

    def file_text(self, call):
        return dispositif.dispositif_csv(call), "Dispositif écrit"
