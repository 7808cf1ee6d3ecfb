"""Model pieces shared by the apps."""

from django.conf import settings
from django.db import models


class StatusEvent(models.Model):
    """A row for every status change (qaf.workflow.transition writes them): who, when, why.

    A subclass adds the foreign key to its object and `from_status`/`to_status` with its
    model's status choices.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name}: {self.from_status or 'new'} -> {self.to_status}"


class Theme(models.Model):
    """An entry of a list the QA Manager configures (feedback themes, practice themes).

    A theme in use is never deleted (records point at it); it is made inactive instead, so it
    stays on old records but is no longer offered. qaf.taxonomy holds its writes and pages.
    """

    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
