"""What the open-data commands share: `--call ID [--output FILE]`, the call looked up with a
French refusal, the file written on standard output or in FILE."""

from django.core.management.base import BaseCommand, CommandError

from projects.models import Call


class CallFileCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--call", type=int, required=True, help="Numéro de l'appel.")
        parser.add_argument("--output", help="Fichier à écrire (sinon la sortie standard).")

    def file_text(self, call: Call) -> tuple[str, str]:
        """The file's text and what to say once it is written in a file."""
        raise NotImplementedError

    def handle(self, *args, call, output=None, **options):
        try:
            found_call = Call.objects.select_related("funder").get(pk=call)
        except Call.DoesNotExist:
            raise CommandError(f"Aucun appel n° {call}.") from None
        text, written = self.file_text(found_call)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as target:
                target.write(text)
            self.stderr.write(f"{written} dans {output}.")
        else:
            self.stdout.write(text, ending="")
