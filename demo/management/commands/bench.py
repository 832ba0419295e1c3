"""`manage.py bench`: seed the benchmark's standard data set (demo.bench.seed) into the
database DATABASE_URL names and time the main pages (demo.bench.measure)."""

import json
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.bench import (
    CALL_TITLE,
    CRITERIA,
    MEMORY_BUDGET_MB,
    PROJECTS,
    REVIEWERS,
    SCORE_SEED,
    SELF_SEED,
    bench_expected_sum,
    bench_export_memory,
    bench_measure,
    bench_score_sum,
    bench_seed,
)
from demo.bench.http import bench_http
from demo.bench.measure import GROUPS
from projects.models import Call, Project
from territories.models import Departement


class Command(BaseCommand):
    help = (
        "Crée le jeu de données de référence (2 000 projets par défaut, 5 évaluateurs, "
        "20 critères) dans la base désignée par DATABASE_URL, puis mesure les pages principales."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=20, help="mesures par page (≥ 20)")
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--json", dest="json_file", help="écrire les résultats en JSON")
        parser.add_argument(
            "--projects",
            type=int,
            default=PROJECTS,
            help="projets de l'appel mesuré (2 000 par défaut ; même forme de données)",
        )
        parser.add_argument(
            "--thresholds",
            action="store_true",
            help="seuils éliminatoires sur les 8 critères socles",
        )
        parser.add_argument(
            "--only",
            action="append",
            choices=sorted(GROUPS),
            help="ne mesurer que ce groupe de pages (répétable)",
        )
        parser.add_argument(
            "--http",
            action="store_true",
            help="mesurer aussi le tableau de bord sous gunicorn (2 workers) : requêtes/s, "
            "p50 et p95 à 1, 4 et 16 requêtes simultanées",
        )
        parser.add_argument(
            "--http-seconds", type=float, default=10.0, help="durée de chaque palier HTTP"
        )
        parser.add_argument(
            "--no-seed",
            action="store_true",
            help="mesurer un jeu déjà créé par bench, sans rien créer",
        )

    def handle(self, *args, **options):
        if options["requests"] < 20:
            raise CommandError("Au moins 20 mesures par page : --requests 20 ou plus.")
        if options["projects"] < 1:
            raise CommandError("Au moins un projet : --projects 1 ou plus.")
        call_command("migrate", verbosity=0, interactive=False)
        if not Departement.objects.exists():
            call_command("load_territories", verbosity=0)
        if options["no_seed"]:
            call = Call.objects.filter(title=CALL_TITLE).first()
            if call is None:
                raise CommandError("Aucun jeu de banc d'essai dans cette base : lancez bench.")
            total = bench_score_sum(call=call)
            projects = call.projects.count()
        else:
            if Call.objects.exists() or Project.objects.exists():
                raise CommandError(
                    "Cette base contient déjà des appels ou des projets : bench ne mélange jamais "
                    "ses données aux vraies. Désignez une base vide avec DATABASE_URL."
                )
            started = time.perf_counter()
            projects = options["projects"]
            call, total = bench_seed(project_count=projects, thresholds=options["thresholds"])
            self.stdout.write(f"Jeu de données créé en {time.perf_counter() - started:.1f} s.")
        scores = projects * REVIEWERS * CRITERIA
        self.stdout.write(f"Somme des {scores:,} notes : {total:,}".replace(",", " "))
        expected = bench_expected_sum(projects)
        if total != expected:
            raise CommandError(f"Somme attendue {expected}, obtenue {total}.")
        thresholds = call.grid_version.criteria.filter(threshold__isnull=False).count()
        if connection.vendor == "postgresql":
            # What autovacuum does shortly after a bulk load: without statistics the planner
            # picks nested loops over 200,000 scores, and without the visibility map that
            # VACUUM sets the ranking's index-only scans read every row they skip (12 ms
            # instead of 3 for a page of 20,000 projects). (On SQLite, ANALYZE makes these
            # plans slower, and nothing runs it by itself: left out.)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        results = bench_measure(
            call=call, requests=options["requests"], warmup=options["warmup"], only=options["only"]
        )
        if not options["only"]:  # the exports are measured with the whole bench only
            results["exports"] = bench_export_memory(call=call)
        results["vendor"] = connection.vendor
        results["fingerprint"] = {
            "projects": projects,
            "thresholds": thresholds,
            "reviewers": REVIEWERS,
            "criteria": CRITERIA,
            "score_seed": SCORE_SEED,
            "self_seed": SELF_SEED,
            "score_sum": total,
        }
        self.report(results)
        if options["http"]:
            results["http"] = bench_http(call=call, seconds=options["http_seconds"])
            self.report_http(results["http"])
        if options["json_file"]:
            with open(options["json_file"], "w", encoding="utf-8") as handle:
                json.dump(results, handle, indent=2)

    def report(self, results: dict) -> None:
        self.stdout.write(f"Base : {results['vendor']}")
        self.stdout.write(f"{'page':<22} {'médiane (ms)':>13} {'p95 (ms)':>9} {'requêtes':>9}")
        for key, figures in results.items():
            if key in ("vendor", "fingerprint", "exports", "http"):
                continue
            self.stdout.write(
                f"{key:<22} {figures['median_ms']:>13} {figures['p95_ms']:>9} "
                f"{figures['queries']:>9}"
            )
        if "exports" not in results:
            return
        self.stdout.write(
            f"Exports (pic de mémoire Python, tracemalloc ; budget {MEMORY_BUDGET_MB} Mo) :"
        )
        for key, figures in results["exports"].items():
            self.stdout.write(
                f"{key:<22} {figures['peak_mb']:>10} Mo {figures['seconds']:>8} s "
                f"{figures['bytes']:>12} octets"
            )

    def report_http(self, levels: list) -> None:
        self.stdout.write("Tableau de bord sous gunicorn (2 workers) :")
        self.stdout.write(
            f"{'simultanées':>11} {'requêtes/s':>11} {'p50 (ms)':>9} {'p95 (ms)':>9} {'erreurs':>8}"
        )
        for level in levels:
            self.stdout.write(
                f"{level['concurrency']:>11} {level['requests_per_s']:>11} "
                f"{level['p50_ms']:>9} {level['p95_ms']:>9} {level['errors']:>8}"
            )
