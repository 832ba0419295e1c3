from django.contrib import admin

from integrations.models import DemarcheSource, ImportedDossier


class ReadOnlyAdmin(admin.ModelAdmin):
    """Imports are made from the call's page (integrations.views); the admin only reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DemarcheSource)
class DemarcheSourceAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "call", "status", "synced_until", "finished_at"]
    # The token never shows, even encrypted.
    exclude = ["token_encrypted"]


@admin.register(ImportedDossier)
class ImportedDossierAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "source",
        "project",
        "state",
        "modified_at",
        "deleted_at",
        "writeback_status",
        "written_at",
    ]
    list_filter = ["state", "writeback_status"]
