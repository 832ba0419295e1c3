from django.contrib import admin

from projects.models import Assessment, Attachment, Call, EligibilityItem, Project, Score


class EligibilityItemInline(admin.TabularInline):
    model = EligibilityItem
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "funder", "status", "opens_at", "closes_at", "grid_version"]
    list_filter = ["status", "self_assessment_policy"]
    search_fields = ["title", "funder__name"]
    filter_horizontal = ["regions", "departements"]
    inlines = [EligibilityItemInline]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    # Files only come in through the checked upload service.
    readonly_fields = ["file", "original_name", "size", "uploaded_by", "uploaded_at"]
    can_delete = False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "call", "organisation", "status", "departement", "submitted_at"]
    list_filter = ["status", "call", "region"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["commune", "owner", "co_holders"]
    readonly_fields = ["departement", "region", "submitted_at"]
    inlines = [AttachmentInline]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    # Scores change through the services only, which keep the stored totals in step.
    readonly_fields = ["criterion", "value", "comment"]
    can_delete = False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["project", "author", "kind", "status", "total", "core_total", "scored_count"]
    list_filter = ["kind", "status"]
    readonly_fields = ["total", "core_total", "scored_count", "core_scored_count"]
    inlines = [ScoreInline]

    def has_add_permission(self, request):
        return False
