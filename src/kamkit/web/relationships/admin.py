from django.contrib import admin

from kamkit.web.accounts.admin import TrackedAdmin

from .models import (
    CommunicationPreference,
    Interaction,
    JointInitiative,
    PhaseRecord,
    Problem,
    Pulse,
)


@admin.register(PhaseRecord)
class PhaseRecordAdmin(TrackedAdmin):
    list_display = ("account", "phase", "source", "recorded_on", "deleted_at")
    list_filter = ("phase", "source")
    raw_id_fields = ("account", "person", "recorded_by")
    list_select_related = ("account",)


@admin.register(Interaction)
class InteractionAdmin(TrackedAdmin):
    """At the SPEC's size (5 million contacts, 200,000 people; issue 17): ordered by the
    primary key (indexed), no date hierarchy (a date function per row), no full count,
    and people picked by id instead of a list of 200,000 options."""

    list_display = ("account", "occurred_at", "channel", "initiated_by", "two_way", "content")
    list_filter = ("channel", "initiated_by", "content", "shared_with_customer")
    list_select_related = ("account",)
    raw_id_fields = ("account", "initiative", "problem", "participants", "logged_by")
    ordering = ("-id",)
    show_full_result_count = False


@admin.register(JointInitiative)
class JointInitiativeAdmin(TrackedAdmin):
    list_display = ("title", "account", "status", "due_date")
    list_filter = ("status",)
    raw_id_fields = ("account", "supplier_owner", "customer_owner")


@admin.register(Problem)
class ProblemAdmin(TrackedAdmin):
    list_display = ("title", "account", "raised_by", "raised_on", "stage")
    list_filter = ("stage", "raised_by")
    # 200,000 people at the SPEC's size: the page listed them all (9.7 s)
    raw_id_fields = ("account", "participants")
    list_select_related = ("account",)


@admin.register(Pulse)
class PulseAdmin(TrackedAdmin):
    list_display = (
        "account",
        "person",
        "rated_on",
        "communication",
        "co_creation",
        "problem_solving",
    )
    raw_id_fields = ("account", "person")


@admin.register(CommunicationPreference)
class CommunicationPreferenceAdmin(TrackedAdmin):
    list_display = ("account", "person", "ideal_min", "ideal_max")
    raw_id_fields = ("account", "person")
