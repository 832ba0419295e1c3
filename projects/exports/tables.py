"""The call's spreadsheets: the ranking as the dashboard shows it, every score, the projects.

Each builder returns a `Table` whose rows are produced lazily: the ranking page by page from
the dashboard's own selector (`dashboards.call_ranking`, so the figures are the page's,
rounded the same way), the scores and projects through `.iterator()` in chunks, so that a call
of 20,000 projects × 5 reviewers × 20 criteria never sits in memory at once."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from accounts.models import LegalForm
from grid.models import ScaleLevel
from projects import dashboards
from projects.dashboards.ranking import Gate
from projects.exports.spreadsheet import Column, Table
from projects.models import (
    AidNature,
    Assessment,
    DecisionStatus,
    Opinion,
    Outcome,
    PaymentTerms,
    Project,
    ProjectStatus,
    Score,
    Stage,
)
from territories.figures import half_up

CHUNK = 2_000
RANKING_PAGE = 500


def _number(value, places=2):
    """A figure rounded as the page rounds it (half-up, once), as a number cell."""
    rounded = half_up(value, places)
    return None if rounded is None else float(rounded)


def _label(choices, value):
    return str(dict(choices).get(value, value or ""))


def ranking_table(*, call, order, descending, corrected_ranks=None, **filters) -> Table:
    """The call dashboard's ranking with its filters and sort, every page of it."""
    columns = [
        Column("rang", _("Rang"), _("Position dans le classement affiché.")),
        Column("projet_id", _("N° projet"), _("Identifiant du projet dans Évalis.")),
        Column("titre", _("Projet"), _("Titre du projet."), 40),
        Column("departement_code", _("Département (code)"), _("Code INSEE du département.")),
        Column("departement", _("Département"), "", 20),
        Column("region", _("Région"), "", 20),
        Column("statut", _("Statut"), _("Statut du projet.")),
        Column("evaluations", _("Évaluations soumises"), _("Évaluations qui comptent.")),
        Column("evaluations_attendues", _("Évaluations attendues"), _("Évaluateurs assignés.")),
        Column("moyenne", _("Moyenne /100"), _("Moyenne des notes globales, arrondie à 2.")),
        Column("mediane", _("Médiane /100"), _("Médiane des notes globales.")),
        Column("min", _("Min."), _("Note globale la plus basse.")),
        Column("max", _("Max."), _("Note globale la plus haute.")),
        Column("etendue", _("Étendue"), _("Max. − min.")),
        Column("ecart_type", _("Écart type"), _("Écart type d'échantillon (n − 1).")),
        Column("desaccord", _("Fort désaccord"), _("Étendue d'au moins 20 points.")),
        Column("couverture_pct", _("Couverture (%)"), _("Part des critères notés.")),
        Column("socles", _("Socles"), _("Seuils des critères socles.")),
        Column("auto_evaluation", _("Auto-évaluation /100"), _("Note de l'auto-évaluation.")),
        Column("decision", _("Décision"), _("Décision proposée ou publiée.")),
    ]
    if corrected_ranks:
        columns.insert(1, Column("rang_corrige", _("Rang corrigé"), _("Classement corrigé.")))
    outcomes = dict(Outcome.choices)
    gates = dict(Gate.choices)

    def rows() -> Iterator[tuple]:
        page, position = 1, 0
        while True:
            found = dashboards.call_ranking(
                call=call,
                order=order,
                descending=descending,
                page=page,
                page_size=RANKING_PAGE,
                corrected_ranks=corrected_ranks,
                **filters,
            )
            for row in found.rows:
                position += 1
                totals = row.figures.totals
                own = row.self_assessment
                if own.is_submitted:
                    self_figure = _number(own.total)
                elif own.is_draft:
                    self_figure = _("brouillon (%(answered)s/%(criteria)s)") % {
                        "answered": own.answered,
                        "criteria": own.criteria,
                    }
                else:
                    self_figure = None
                values = [
                    position,
                    row.project_id,
                    row.title,
                    row.departement_code,
                    row.departement_name,
                    row.region_name,
                    row.get_status_display(),
                    row.figures.reviews,
                    row.assigned,
                    _number(totals.mean),
                    _number(totals.median),
                    _number(totals.minimum),
                    _number(totals.maximum),
                    _number(totals.range),
                    _number(totals.std_dev),
                    row.figures.disagreement,
                    _number(row.coverage * 100, 1) if row.coverage is not None else None,
                    str(gates[row.gate]) if row.gate else None,
                    self_figure,
                    str(outcomes.get(row.outcome, "")),
                ]
                if corrected_ranks:
                    values.insert(1, row.corrected_rank)
                yield tuple(values)
            if found.page >= found.pages:
                return
            page += 1

    return Table(_("Classement"), columns, rows())


def scores_table(*, call) -> Table:
    """One row per counted review × criterion: the value, its level, the comment, N/A, the
    grid version, and the review's opinion, strengths, weaknesses and recommended amount."""
    columns = [
        Column("projet_id", _("N° projet"), _("Identifiant du projet dans Évalis.")),
        Column("projet", _("Projet"), "", 36),
        Column("evaluateur", _("Évaluateur"), _("Nom de l'évaluateur."), 22),
        Column("version_grille", _("Version de la grille"), _("Numéro de version.")),
        Column("critere_code", _("Critère (code)"), ""),
        Column("critere", _("Critère"), "", 30),
        Column("socle", _("Socle"), _("oui : critère socle ; non : complémentaire.")),
        Column("note", _("Note"), _("Valeur choisie ; vide si « sans objet ».")),
        Column("niveau", _("Niveau"), _("Libellé du niveau choisi."), 22),
        Column("sans_objet", _("Sans objet"), _("oui si le critère est « sans objet ».")),
        Column("commentaire", _("Commentaire"), _("Justification de la note."), 40),
        Column("note_globale", _("Note globale /100"), _("Note globale de l'évaluation.")),
        Column("avis", _("Avis global"), ""),
        Column("points_forts", _("Points forts"), "", 40),
        Column("points_faibles", _("Points faibles"), "", 40),
        Column("montant_recommande", _("Montant recommandé (€)"), ""),
    ]
    levels = {
        (criterion_id, value): label
        for criterion_id, value, label in ScaleLevel.objects.filter(
            criterion__version__calls=call
        ).values_list("criterion_id", "value", "label")
    }
    opinions = dict(Opinion.choices)
    reviews = Assessment.objects.counted_reviews().filter(project__call=call)
    scores = (
        Score.objects.filter(assessment__in=reviews)
        .order_by(
            "assessment__project_id",
            "assessment__author_id",
            "criterion__axis__position",
            "criterion__position",
            "criterion__code",
        )
        .values_list(
            "assessment__project_id",
            "assessment__project__title",
            "assessment__author__full_name",
            "assessment__author__email",
            "assessment__grid_version__number",
            "criterion_id",
            "criterion__code",
            "criterion__label",
            "criterion__kind",
            "value",
            "comment",
            "assessment__total",
            "assessment__opinion",
            "assessment__strengths",
            "assessment__weaknesses",
            "assessment__recommended_amount",
        )
    )

    def rows() -> Iterator[tuple]:
        for (
            project_id,
            title,
            full_name,
            email,
            version,
            criterion_id,
            code,
            label,
            kind,
            value,
            comment,
            total,
            opinion,
            strengths,
            weaknesses,
            amount,
        ) in scores.iterator(chunk_size=CHUNK):
            yield (
                project_id,
                title,
                full_name or email,
                version,
                code,
                label,
                kind == "core",
                value,
                levels.get((criterion_id, value), "") if value is not None else "",
                value is None,
                comment,
                _number(total),
                _label(opinions, opinion),
                strengths,
                weaknesses,
                amount,
            )

    return Table(_("Notes"), columns, rows())


def projects_table(*, call) -> Table:
    """The call's projects (drafts and withdrawn ones aside) with holder, territory (INSEE
    codes), amounts and decision, proposed or published."""
    columns = [
        Column("projet_id", _("N° projet"), _("Identifiant du projet dans Évalis.")),
        Column("titre", _("Projet"), "", 36),
        Column("porteur", _("Porteur"), _("Organisation porteuse."), 28),
        Column("siret", _("SIREN ou SIRET"), ""),
        Column("rna", _("RNA"), _("Numéro RNA d'une association (W + 9 chiffres).")),
        Column("forme_juridique", _("Forme juridique"), ""),
        Column("commune_code", _("Commune (code INSEE)"), ""),
        Column("commune", _("Commune"), "", 20),
        Column("departement_code", _("Département (code)"), ""),
        Column("departement", _("Département"), "", 20),
        Column("region_code", _("Région (code)"), ""),
        Column("region", _("Région"), "", 20),
        Column("stade", _("Stade"), ""),
        Column("statut", _("Statut"), ""),
        Column("depose_le", _("Déposé le"), ""),
        Column("budget", _("Budget (€)"), ""),
        Column("montant_demande", _("Montant demandé (€)"), ""),
        Column("emplois", _("Emplois créés"), ""),
        Column("decision_etat", _("État de la décision"), _("Proposée ou publiée.")),
        Column("decision", _("Décision"), ""),
        Column("montant_accorde", _("Montant accordé (€)"), ""),
        Column("date_decision", _("Date de la décision"), ""),
        Column("reference_decision", _("Référence de la décision"), ""),
        Column("nature", _("Nature de l'aide"), ""),
        Column("conditions_versement", _("Conditions de versement"), ""),
    ]
    projects = (
        Project.objects.submitted()
        .filter(call=call)
        .order_by("title", "pk")
        .values_list(
            "pk",
            "title",
            "organisation__name",
            "organisation__siret",
            "organisation__rna",
            "organisation__legal_form",
            "commune_id",
            "commune__name",
            "departement_id",
            "departement__name",
            "region_id",
            "region__name",
            "stage",
            "status",
            "submitted_at",
            "budget",
            "amount_requested",
            "jobs_created",
            "decision__status",
            "decision__outcome",
            "decision__amount_granted",
            "decision__decision_date",
            "decision__reference",
            "decision__aid_nature",
            "decision__payment_terms",
        )
    )

    def rows() -> Iterator[tuple]:
        for row in projects.iterator(chunk_size=CHUNK):
            row = list(row)
            row[5] = _label(LegalForm.choices, row[5])
            row[12] = _label(Stage.choices, row[12])
            row[13] = _label(ProjectStatus.choices, row[13])
            row[18] = _label(DecisionStatus.choices, row[18])
            row[19] = _label(Outcome.choices, row[19])
            row[23] = _label(AidNature.choices, row[23])
            row[24] = _label(PaymentTerms.choices, row[24])
            yield tuple(row)

    return Table(_("Projets"), columns, rows())
