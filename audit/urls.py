from django.urls import path

from . import views

app_name = "audit"

# No view edits or deletes an access record (audit/tests/test_access_records_page.py).
urlpatterns = [
    path("access-records/", views.access_records, name="access_records"),
    path("access-records/export/", views.access_records_export, name="access_records_export"),
]
