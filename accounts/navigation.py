"""The main navigation: each entry names the permission rule that decides who sees it."""

from dataclasses import dataclass

from django.urls import reverse

from .permissions import can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str


NAV_ITEMS = (
    NavItem("My work", "home", "home.view"),
    NavItem("My reviews", "reviews:mine", "reviews.view_mine"),
    NavItem("Moderation", "reviews:moderation", "moderation.view_queue"),
    NavItem("Escalations", "reviews:escalations", "escalations.view"),
    NavItem("Actions", "reviews:actions", "actions.view"),
    NavItem("QA cycles", "audits:cycles", "cycles.manage"),
    NavItem("Feedback", "feedback:index", "feedback.view"),
    NavItem("Dashboard", "reporting:dashboard", "dashboard.view"),
    NavItem("Organisation", "accounts:organisation", "organisation.view"),
    NavItem("Admin", "admin:index", "admin.use"),
)


def navigation_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if not can(user, item.action):
            continue
        url = reverse(item.url_name)
        current = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
