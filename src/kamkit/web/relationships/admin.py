from django.contrib import admin

from kamkit.web.accounts.admin import TrackedAdmin

from .models import PhaseRecord


@admin.register(PhaseRecord)
class PhaseRecordAdmin(TrackedAdmin):
    list_display = ("account", "phase", "source", "recorded_on", "deleted_at")
    list_filter = ("phase", "source")
