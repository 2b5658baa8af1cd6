from django.contrib import admin

from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "person", "created_by", "created_at", "expires_at", "state")
    list_filter = ("accepted_at", "revoked_at")
    search_fields = ("email", "person__name")
    readonly_fields = ("digest",)
    raw_id_fields = ("person", "created_by")
    list_select_related = ("person", "created_by")
