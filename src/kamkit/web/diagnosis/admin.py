from django.contrib import admin

from .models import DiagnosisCase


@admin.register(DiagnosisCase)
class DiagnosisCaseAdmin(admin.ModelAdmin):
    list_display = ("title", "created_at", "created_by")
    raw_id_fields = ("created_by",)
