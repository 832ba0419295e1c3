"""What the call's Démarche numérique page reads (selectors)."""

from django.db.models import Count

from integrations.models import DemarcheSource, ImportedDossier, WriteBackStatus

# The failed dossiers listed on the page; beyond, the count says how many more.
FAILED_LISTED = 50


def writeback_overview(*, source: DemarcheSource) -> dict:
    """Where the write-back of the call's published decisions stands: the number of dossiers
    per state (one grouped query), and the failed ones with their error, oldest first."""
    counts = dict.fromkeys(WriteBackStatus.values, 0)
    for row in (
        ImportedDossier.objects.filter(source=source)
        .values("writeback_status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["writeback_status"]] = row["n"]
    failed = list(
        ImportedDossier.objects.filter(source=source, writeback_status=WriteBackStatus.FAILED)
        .select_related("project")
        .only("number", "writeback_error", "writeback_tried_at", "project__title")
        .order_by("number")[:FAILED_LISTED]
    )
    return {
        "pending": counts[WriteBackStatus.PENDING] + counts[WriteBackStatus.SENDING],
        "sent": counts[WriteBackStatus.SENT],
        "skipped": counts[WriteBackStatus.SKIPPED],
        "failed_count": counts[WriteBackStatus.FAILED],
        "failed": failed,
    }
