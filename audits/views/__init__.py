"""The QA Manager's pages: one module per area, each with its own `urlpatterns`."""
