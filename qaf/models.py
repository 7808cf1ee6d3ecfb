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
