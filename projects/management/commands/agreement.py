import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.agreement import RatingsError, agreement_report, ratings_from_rows

ALPHA_NAMES = {
    "nominal": "nominal",
    "ordinal": "ordinal",
    "interval": "d'intervalle",
    "ratio": "de rapport",
}


def _figure(value) -> str:
    return "—" if value is None else f"{value:.3f}".replace(".", ",")


class Command(BaseCommand):
    help = (
        "Accord entre évaluateurs d'un fichier CSV au format long (ligne d'en-tête, puis une "
        "note par ligne : unité, évaluateur, note ; une note manquante est une ligne absente ; "
        "les colonnes suivantes sont ignorées) : alpha de Krippendorff (nominal, ordinal, "
        "d'intervalle, de rapport) et les six ICC de Shrout et Fleiss quand le plan le permet."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV (séparateur virgule ou point-virgule)")
        parser.add_argument("--json", action="store_true", help="résultat en JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"Fichier introuvable : {path}") from None
        except IsADirectoryError:
            raise CommandError(f"{path} est un dossier, pas un fichier CSV.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} n'est pas un fichier texte en UTF-8.") from None
        except OSError as error:
            raise CommandError(f"Lecture impossible de {path} : {error.strerror}.") from None
        first = text.splitlines()[0] if text.strip() else ""
        delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            ratings = ratings_from_rows(csv.reader(text.splitlines(), delimiter=delimiter))
        except (RatingsError, csv.Error) as error:
            raise CommandError(f"{path} : {error}") from None
        report = agreement_report(ratings)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{report['ratings']} notes, {report['units']} unités "
            f"(dont {report['pairable_units']} notées au moins deux fois), "
            f"{report['raters']} évaluateurs."
        )
        for metric, value in report["alpha"].items():
            self.stdout.write(f"alpha de Krippendorff {ALPHA_NAMES[metric]} : {_figure(value)}")
        iccs = report["icc"]
        if iccs is None:
            self.stdout.write("ICC : moins de deux unités notées au moins deux fois.")
            return
        if iccs["design"] == "crossed":
            self.stdout.write(f"Plan croisé complet : k = {iccs['k']:g} évaluateurs.")
        else:
            self.stdout.write(
                "Plan incomplet : seuls ICC(1,1) et ICC(1,k) sont définis "
                f"(k = {_figure(iccs['k'])} notes par unité en moyenne)."
            )
        for name in ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)"):
            self.stdout.write(f"{name} : {_figure(iccs[name])}")
        needed = report["ratings_needed_for_0.80"]
        self.stdout.write(
            "Notes par unité pour atteindre 0,80 (Spearman-Brown, depuis ICC(1,1)) : "
            + ("inatteignable" if needed is None else str(needed))
        )
