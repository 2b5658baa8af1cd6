from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from kamkit.web.base import restore

from .models import Account, InternalUnit, KAMUnit, Person


@admin.action(description=_("Restore the selected (soft-deleted) records"))
def restore_selected(modeladmin, request, queryset):
    n = 0
    for obj in queryset.filter(deleted_at__isnull=False):
        restore(obj)
        n += 1
    messages.success(
        request, ngettext("Restored %(n)s record.", "Restored %(n)s records.", n) % {"n": n}
    )


class TrackedAdmin(SimpleHistoryAdmin):
    actions = [restore_selected]
    readonly_fields = ("version", "created_at", "updated_at", "deleted_at")


@admin.register(Account)
class AccountAdmin(TrackedAdmin):
    list_display = ("name", "phase", "ka_manager", "kam_unit", "country", "deleted_at")
    list_filter = ("phase", "kam_unit", "is_key_account")
    search_fields = ("name", "industry", "country")
    raw_id_fields = ("parent", "ka_manager")  # 10,000 accounts: no option lists
    list_select_related = ("ka_manager", "kam_unit")


@admin.register(Person)
class PersonAdmin(TrackedAdmin):
    list_display = ("name", "side", "role", "account", "deleted_at")
    list_filter = ("side",)
    search_fields = ("name", "email")
    list_select_related = ("account",)
    raw_id_fields = ("account", "reports_to", "user")  # 200,000 people: no option lists
    ordering = ("-id",)
    show_full_result_count = False


@admin.register(KAMUnit)
class KAMUnitAdmin(TrackedAdmin):
    list_display = ("__str__", "parent", "deleted_at")


@admin.register(InternalUnit)
class InternalUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)
