"""The reviewers' evidence as the analysis and decision pages show it: each review that
counts, named for the call's managers and anonymised for a reviewer, with the opinions and
recommended amounts."""

from django.utils.translation import gettext as _

from projects.models import Opinion
from projects.selectors.committee import opinion_summary_of, project_evidence

# --- Evidence -------------------------------------------------------------------------------


def reviews_as_seen(request, project, *, is_manager: bool) -> list[dict]:
    """The reviews that count, as the viewer may read them: the call's managers see who wrote
    each; a reviewer reads the others anonymised and numbered in the order the reviews were
    created (as on the scoring form and the analysis table). Each with its opinion, strengths,
    weaknesses, recommended amount and the criteria it commented."""
    return _as_seen(request, project_evidence(project=project), is_manager=is_manager)


def _as_seen(request, reviews: list[dict], *, is_manager: bool) -> list[dict]:
    """`reviews_as_seen` of the reviews already read (`project_evidence`)."""
    others = 0
    result = []
    opinion_labels = dict(Opinion.choices)
    for review in reviews:
        if is_manager:
            name = review["author__full_name"] or review["author__email"]
        elif review["author_id"] == request.user.pk:
            name = _("Vous")
        else:
            others += 1
            name = _("Évaluateur %(n)s") % {"n": others}
        opinion = review["opinion"]
        result.append(
            {
                "name": name,
                "opinion": opinion,
                "opinion_label": str(opinion_labels.get(opinion, opinion)),
                "total": review["total"],
                "strengths": review["strengths"],
                "weaknesses": review["weaknesses"],
                "recommended_amount": review["recommended_amount"],
                "comments": review["comments"],
            }
        )
    return result


def evidence_context(request, project, *, is_manager: bool) -> dict:
    """What the analysis and decision pages show of the reviews: each review, the opinion
    counts, the mean and median recommended amounts beside the amount requested. One query:
    the counts and amounts are those of the reviews read for the page."""
    reviews = project_evidence(project=project)
    return {
        "reviews": _as_seen(request, reviews, is_manager=is_manager),
        "opinions": opinion_summary_of(reviews),
        "amount_requested": project.amount_requested,
    }
