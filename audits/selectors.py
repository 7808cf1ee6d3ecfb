"""Reads for toolkits, cycles and cases."""

from .models import Toolkit, ToolkitVersion


def published_version(toolkit: Toolkit) -> ToolkitVersion | None:
    """The newest published version of a toolkit: the one new reviews are made with."""
    return (
        ToolkitVersion.objects.filter(toolkit=toolkit, status=ToolkitVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
