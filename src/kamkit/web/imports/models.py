"""An import started on the import page: its files, options, preview and result."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kamkit.web.users.models import User


class ImportRun(models.Model):
    """One upload: previewed (a dry run) first, imported when the user confirms. The
    files wait in the data folder (``imports/<id>/``) until the run is done."""

    class Status(models.TextChoices):
        PREVIEWING = "previewing", _("Preview being made")
        PREVIEWED = "previewed", _("Preview ready")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    files = models.JSONField(default=list, help_text=_("The uploaded files' names."))
    source = models.CharField(max_length=20, default="auto")
    skip_invalid = models.BooleanField(default=False)
    keep_body = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWING)
    preview = models.JSONField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({', '.join(self.files)})"

    @property
    def working(self) -> bool:
        return self.status in (self.Status.PREVIEWING, self.Status.IMPORTING)
