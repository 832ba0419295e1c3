"""`manage.py bench`: seed the standard data set of issue 7 and time the main pages.

The data set is fixed so that figures compare with other tools on identical numbers: one call,
2,000 submitted projects, 5 reviewers who each submitted an assessment of every project, a grid
version of 20 criteria (8 core, 12 complementary), scale 0–5, weight 1 everywhere. Project i
is in the (i mod 101)-th département of the territories file. Scores come from
random.Random(20260).randint(0, 5) in the order project → reviewer → criterion (their sum,
498,889, is printed as a check); every other project gets a self-assessment drawn from
random.Random(20261).
"""

import json
import random
import statistics
import time
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import LegalForm, Membership, Organisation, Role, User
from grid.services import grid_version_import, grid_version_publish
from projects.models import (
    Assessment,
    Assignment,
    Call,
    Project,
    Score,
)
from projects.scoring import CriterionSpec, summarise
from territories.models import Commune, Departement

PROJECTS = 2000
REVIEWERS = 5
CRITERIA = 20
CORE = 8
SCORE_SEED = 20260
SELF_SEED = 20261
EXPECTED_SUM = 498_889
CALL_TITLE = "Banc d'essai — appel mesuré"
BATCH = 5000


def bench_payload() -> dict:
    return {
        "slug": "banc-essai",
        "name": {"fr": "Grille du banc d'essai"},
        "version_label": "Banc d'essai",
        "scale": {
            "min": 0,
            "max": 5,
            "levels": [{"value": value, "fr": f"Niveau {value}"} for value in range(6)],
            "allows_not_applicable": True,
        },
        "default_weights": {"core": 1, "complementary": 1},
        "axes": [{"code": f"A{index}", "fr": f"Axe {index}"} for index in range(1, 5)],
        "criteria": [
            {
                "code": f"C{index:02d}",
                "axis": f"A{(index - 1) // 5 + 1}",
                "kind": "core" if index <= CORE else "complementary",
                "fr": f"Critère {index}",
            }
            for index in range(1, CRITERIA + 1)
        ],
    }


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Command(BaseCommand):
    help = (
        "Crée le jeu de données de référence (2 000 projets, 5 évaluateurs, 20 critères) dans la "
        "base désignée par DATABASE_URL, puis mesure les pages principales."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=20, help="mesures par page (≥ 20)")
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--json", dest="json_file", help="écrire les résultats en JSON")
        parser.add_argument(
            "--no-seed",
            action="store_true",
            help="mesurer un jeu déjà créé par bench, sans rien créer",
        )

    def handle(self, *args, **options):
        if options["requests"] < 20:
            raise CommandError("Au moins 20 mesures par page : --requests 20 ou plus.")
        call_command("migrate", verbosity=0, interactive=False)
        if not Departement.objects.exists():
            call_command("load_territories", verbosity=0)
        if options["no_seed"]:
            call = Call.objects.filter(title=CALL_TITLE).first()
            if call is None:
                raise CommandError("Aucun jeu de banc d'essai dans cette base : lancez bench.")
            total = sum(
                Score.objects.filter(
                    assessment__project__call=call, assessment__kind="review"
                ).values_list("value", flat=True)
            )
        else:
            if Call.objects.exists() or Project.objects.exists():
                raise CommandError(
                    "Cette base contient déjà des appels ou des projets : bench ne mélange jamais "
                    "ses données aux vraies. Désignez une base vide avec DATABASE_URL."
                )
            started = time.perf_counter()
            call, total = self.seed()
            self.stdout.write(f"Jeu de données créé en {time.perf_counter() - started:.1f} s.")
        self.stdout.write(f"Somme des 200 000 notes : {total:,}".replace(",", " "))
        if total != EXPECTED_SUM:
            raise CommandError(f"Somme attendue {EXPECTED_SUM}, obtenue {total}.")
        if connection.vendor == "postgresql":
            # What autovacuum does shortly after a bulk load; without statistics the planner
            # picks nested loops over 200,000 scores. (On SQLite, ANALYZE makes these plans
            # slower, and nothing runs it by itself: left out.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        results = self.measure(call, options["requests"], options["warmup"])
        results["vendor"] = connection.vendor
        results["fingerprint"] = {
            "projects": PROJECTS,
            "reviewers": REVIEWERS,
            "criteria": CRITERIA,
            "score_seed": SCORE_SEED,
            "self_seed": SELF_SEED,
            "score_sum": total,
        }
        self.report(results)
        if options["json_file"]:
            with open(options["json_file"], "w", encoding="utf-8") as handle:
                json.dump(results, handle, indent=2)

    # --- seeding ---------------------------------------------------------------------------

    @transaction.atomic
    def seed(self):
        now = timezone.now()
        version = grid_version_import(payload=bench_payload())
        grid_version_publish(version=version)
        criteria = list(version.criteria.order_by("axis__position", "position", "code"))
        specs = [CriterionSpec.of(criterion) for criterion in criteria]

        departements = list(Departement.objects.order_by("position"))
        communes = set(
            Commune.objects.filter(code__in=[d.chef_lieu for d in departements]).values_list(
                "code", flat=True
            )
        )
        funder_org = Organisation.objects.create(
            name="Financeur du banc d'essai", legal_form=LegalForm.COLLECTIVITY
        )
        holder_org = Organisation.objects.create(
            name="Porteur du banc d'essai", legal_form=LegalForm.ASSOCIATION
        )
        funder = User.objects.create_user(
            email="financeur@banc.invalid", password=None, full_name="Financeur"
        )
        holder = User.objects.create_user(
            email="porteur@banc.invalid", password=None, full_name="Porteur"
        )
        reviewers = [
            User.objects.create_user(
                email=f"evaluateur{index}@banc.invalid",
                password=None,
                full_name=f"Évaluateur {index}",
            )
            for index in range(1, REVIEWERS + 1)
        ]
        Membership.objects.create(user=funder, organisation=funder_org, role=Role.FUNDER)
        Membership.objects.create(user=holder, organisation=holder_org, role=Role.HOLDER)
        for reviewer in reviewers:
            Membership.objects.create(user=reviewer, organisation=funder_org, role=Role.REVIEWER)
        call = Call.objects.create(
            funder=funder_org,
            title=CALL_TITLE,
            grid_version=version,
            opens_at=now - timezone.timedelta(days=60),
            closes_at=now - timezone.timedelta(days=30),
            status="review",
        )
        # bulk_create skips Project.save(): the territory is set here as derive_territory would.
        projects = Project.objects.bulk_create(
            [
                Project(
                    call=call,
                    organisation=holder_org,
                    owner=holder,
                    title=f"Projet {index:04d}",
                    status="submitted",
                    submitted_at=now,
                    commune_id=departement.chef_lieu if departement.chef_lieu in communes else None,
                    departement_id=departement.code,
                    region_id=departement.region_id,
                    amount_requested=Decimal(10000 + index),
                )
                for index in range(PROJECTS)
                for departement in [departements[index % len(departements)]]
            ],
            batch_size=BATCH,
        )
        Assignment.objects.bulk_create(
            [
                Assignment(project=project, reviewer=reviewer, state="done")
                for project in projects
                for reviewer in reviewers
            ],
            batch_size=BATCH,
        )

        score_rng, self_rng = random.Random(SCORE_SEED), random.Random(SELF_SEED)
        assessments, values_of, total = [], [], 0
        for index, project in enumerate(projects):
            for reviewer in reviewers:
                values = [score_rng.randint(0, 5) for _criterion in criteria]
                total += sum(values)
                assessments.append(self.assessment(project, reviewer, "review", specs, values, now))
                values_of.append(values)
            if index % 2 == 0:
                values = [self_rng.randint(0, 5) for _criterion in criteria]
                assessments.append(self.assessment(project, holder, "self", specs, values, now))
                values_of.append(values)
        assessments = Assessment.objects.bulk_create(assessments, batch_size=BATCH)
        Score.objects.bulk_create(
            (
                Score(
                    assessment_id=assessment.pk,
                    criterion_id=criterion.pk,
                    value=value,
                    scale_min=criterion.scale_min,
                    scale_max=criterion.scale_max,
                )
                for assessment, values in zip(assessments, values_of, strict=True)
                for criterion, value in zip(criteria, values, strict=True)
            ),
            batch_size=BATCH,
        )
        # A draft project of the same holder in a small call around the measured one: the
        # self-assessment form needs an editable project (measured too, beside the keys).
        small_call = Call.objects.create(
            funder=funder_org,
            title="Banc d'essai — petit appel ouvert",
            grid_version=version,
            opens_at=now - timezone.timedelta(days=1),
            closes_at=now + timezone.timedelta(days=30),
            status="open",
        )
        Project.objects.create(
            call=small_call, organisation=holder_org, owner=holder, title="Projet en cours"
        )
        return call, total

    @staticmethod
    def assessment(project, author, kind, specs, values, now) -> Assessment:
        """An assessment with totals from the one scoring function, ready for bulk_create."""
        summary = summarise(
            specs, {spec.id: value for spec, value in zip(specs, values, strict=True)}
        )
        return Assessment(
            project=project,
            author=author,
            kind=kind,
            grid_version_id=project.call.grid_version_id,
            status="submitted",
            submitted_at=now,
            total=summary.total,
            core_total=summary.core_total,
            scored_count=summary.scored,
            core_scored_count=summary.core_scored,
            coverage=summary.coverage,
        )

    # --- measuring -------------------------------------------------------------------------

    def measure(self, call, requests: int, warmup: int) -> dict:
        funder = User.objects.get(email="financeur@banc.invalid")
        holder = User.objects.get(email="porteur@banc.invalid")
        reviewer = User.objects.get(email="evaluateur1@banc.invalid")
        project = call.projects.order_by("pk").first()
        draft = Project.objects.filter(owner=holder, status="draft").first()
        criteria = list(call.grid_version.criteria.order_by("position", "code"))
        review = Assessment.objects.get(project=project, author=reviewer, kind="review")
        review_values = dict(review.scores.values_list("criterion_id", "value"))
        # The reviewer re-saves their own submitted review with the values they gave, so the
        # measured data set stays the one described (its 200,000 scores are unchanged). A
        # submitted review needs an overall opinion and a justification of minimum scores.
        review_post = {"action": "draft", "opinion": "favourable", "strengths": "Ancrage local."}
        for criterion in criteria:
            value = review_values[criterion.pk]
            review_post[f"score_{criterion.pk}"] = str(value)
            if value == criterion.scale_min:
                review_post[f"comment_{criterion.pk}"] = "Aucun élément à ce sujet dans le dossier."
        self_post = {
            f"score_{criterion.pk}": str(index % 6) for index, criterion in enumerate(criteria)
        }
        review_url = reverse("projects:review_edit", args=[project.pk])
        self_url = reverse("projects:self_assessment_edit", args=[draft.pk])
        pages = {
            "call_dashboard": (
                funder,
                "get",
                reverse("projects:call_dashboard", args=[call.pk]),
                None,
            ),
            "territory_dashboard": (
                funder,
                "get",
                reverse("projects:territory_dashboard") + f"?call={call.pk}",
                None,
            ),
            # Not one of the keys: the heatmap block the territory page loads by htmx.
            "territory_heatmap": (
                funder,
                "get",
                reverse("projects:territory_heatmap") + f"?call={call.pk}",
                None,
            ),
            "project_analysis": (
                funder,
                "get",
                reverse("projects:project_analysis", args=[project.pk]),
                None,
            ),
            # The reviewer's scoring form on a project of the measured call (5 reviews).
            "scoring_form_get": (reviewer, "get", review_url, None),
            "scoring_form_post": (
                reviewer,
                "post",
                review_url,
                # The form carries the review's row version (optimistic locking): read afresh
                # before each request, outside the timing, as the GET before it would give it.
                lambda: {
                    **review_post,
                    "row_version": Assessment.objects.get(pk=review.pk).row_version,
                },
            ),
            # Not one of the keys: the holder's self-assessment form (same form class).
            "self_assessment_get": (holder, "get", self_url, None),
            "self_assessment_post": (holder, "post", self_url, self_post),
        }
        results = {}
        # The test client renders through every middleware; static files need no manifest.
        # DEBUG off as in production: no query log kept, no debug page on an error.
        with override_settings(
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ):
            for key, (user, method, url, data) in pages.items():
                # The heatmap is requested as htmx does, for its partial.
                headers = {"HX-Request": "true"} if key == "territory_heatmap" else {}
                client = Client()
                client.force_login(user)
                expected = (302,) if method == "post" else (200,)
                for _warm in range(warmup):
                    self.request(client, method, url, self.data(data), expected, headers)
                # An execute wrapper rather than CaptureQueriesContext: request_started resets
                # the captured log, and the connection may be reopened by the request.
                counter = QueryCounter()
                posted = self.data(data)
                with connection.execute_wrapper(counter):
                    self.request(client, method, url, posted, expected, headers)
                timings = []
                for _run in range(requests):
                    posted = self.data(data)
                    started = time.perf_counter()
                    self.request(client, method, url, posted, expected, headers)
                    timings.append((time.perf_counter() - started) * 1000)
                timings.sort()
                results[key] = {
                    "median_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(timings[max(int(len(timings) * 0.95 + 0.5) - 1, 0)], 1),
                    "queries": counter.count,
                }
        return results

    @staticmethod
    def data(data):
        return data() if callable(data) else data

    @staticmethod
    def request(client, method, url, data, expected, headers=None):
        response = getattr(client, method)(url, data or {}, headers=headers)
        if response.status_code not in expected:
            raise CommandError(f"{method.upper()} {url} : statut {response.status_code}")
        return response

    def report(self, results: dict) -> None:
        self.stdout.write(f"Base : {results['vendor']}")
        self.stdout.write(f"{'page':<22} {'médiane (ms)':>13} {'p95 (ms)':>9} {'requêtes':>9}")
        for key, figures in results.items():
            if key in ("vendor", "fingerprint"):
                continue
            self.stdout.write(
                f"{key:<22} {figures['median_ms']:>13} {figures['p95_ms']:>9} "
                f"{figures['queries']:>9}"
            )
