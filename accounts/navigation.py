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
    NavItem("Reviews", "reviews:list", "reviews.list"),
    NavItem("Moderation", "reviews:moderation", "moderation.view_queue"),
    NavItem("Escalations", "reviews:escalations", "escalations.view"),
    NavItem("Actions", "reviews:actions", "actions.view"),
    NavItem("Close the loop", "reviews:close_the_loop", "actions.verify_board"),
    NavItem("QA cycles", "audits:cycles", "cycles.manage"),
    NavItem("Toolkits", "audits:toolkits", "toolkits.manage"),
    NavItem("Cases", "audits:cases", "cases.manage"),
    NavItem("Feedback", "feedback:index", "feedback.view"),
    # IROs and CP chairs are reviewers (seed 003: Independent Chairs); the QA Manager reaches
    # the same list through the Feedback hub.
    NavItem("IRO feedback", "feedback:iro_list", "nav.iro_feedback"),
    NavItem("Complaints", "feedback:complaints", "nav.complaints"),
    NavItem("Dashboard", "reporting:dashboard", "dashboard.view"),
    NavItem("Reports", "reporting:reports", "reports.view"),
    NavItem("Organisation", "accounts:organisation", "organisation.view"),
    NavItem("Access records", "audit:access_records", "access_records.view"),
    NavItem("Admin", "admin:index", "admin.use"),
)


def navigation_for(user, current_path: str) -> list[dict]:
    items = [
        {"label": item.label, "url": reverse(item.url_name), "current": False}
        for item in NAV_ITEMS
        if can(user, item.action)
    ]
    # The current entry is the longest URL the path starts with ("/reviews/mine/" is under
    # "/reviews/" too); "/" only for the home page itself.
    matches = [
        i
        for i in items
        if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items
