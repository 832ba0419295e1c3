from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, Membership, Organisation, OrganisationCheck, User
from accounts.services import client_ip, organisation_esus_verify


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["full_name"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal: list = []
    list_filter = ["is_staff", "is_active"]
    inlines = [MembershipInline]


class OrganisationCheckInline(admin.StackedInline):
    """What the registries said (read-only: only the background check writes it)."""

    model = OrganisationCheck
    extra = 0
    can_delete = False
    readonly_fields = [field.name for field in OrganisationCheck._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_form", "siret", "commune", "esus_agreement_date", "esus_checked"]
    list_filter = [("esus_agreement_date", admin.EmptyFieldListFilter)]
    search_fields = ["name", "siret"]
    autocomplete_fields = ["commune"]
    readonly_fields = ["esus_verified_at", "esus_verified_by"]
    inlines = [OrganisationCheckInline]
    actions = ["verify_esus"]

    @admin.display(boolean=True, description=_("ESUS vérifié"))
    def esus_checked(self, obj):
        return obj.esus_verified_at is not None if obj.esus_agreement_date else None

    @admin.action(description=_("Confirmer l'agrément ESUS déclaré (après vérification)"))
    def verify_esus(self, request, queryset):
        done = 0
        for organisation in queryset:
            try:
                organisation_esus_verify(
                    organisation=organisation, by=request.user, ip=client_ip(request)
                )
            except ValidationError as error:
                self.message_user(
                    request, f"{organisation} : {' '.join(error.messages)}", messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                _("%(count)d agrément(s) ESUS confirmé(s).") % {"count": done},
                messages.SUCCESS,
            )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the journal is append-only."""

    list_display = ["created_at", "actor", "action", "object_repr", "ip"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
