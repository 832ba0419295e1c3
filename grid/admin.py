from django.contrib import admin

from grid.models import Axis, Criterion, Grid, GridVersion, ScaleLevel


class ScaleLevelInline(admin.TabularInline):
    model = ScaleLevel
    extra = 0


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_default"]


@admin.register(GridVersion)
class GridVersionAdmin(admin.ModelAdmin):
    list_display = ["grid", "number", "label", "status", "published_at"]
    list_filter = ["status", "grid"]
    readonly_fields = ["status", "published_at", "row_version"]


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["version", "code", "label", "position"]
    list_filter = ["version"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["version", "code", "label", "kind", "weight", "scale_min", "scale_max"]
    list_filter = ["version", "kind"]
    inlines = [ScaleLevelInline]


def _version_of(obj):
    return obj if isinstance(obj, GridVersion) else getattr(obj, "version", None)


# Published versions are read-only here too: the database would refuse the write anyway,
# and a read-only form is kinder than an error page.
for model_admin in (AxisAdmin, CriterionAdmin):

    def has_change_permission(self, request, obj=None):
        version = _version_of(obj)
        return (version is None or version.is_draft) and admin.ModelAdmin.has_change_permission(
            self, request, obj
        )

    model_admin.has_change_permission = has_change_permission
    model_admin.has_delete_permission = has_change_permission
