from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "role", "account", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "kamkit",
            {"fields": ("role", "account", "language", "notify_by_email", "morning_summary")},
        ),
    )
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("kamkit", {"fields": ("role", "account")}))
    # at the SPEC's size (10,000 accounts) records are picked by id, not from option lists
    raw_id_fields = ("account",)
    list_select_related = ("account",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "read_only",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("read_only",)
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")
    raw_id_fields = ("user",)
    list_select_related = ("user",)
