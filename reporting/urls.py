from django.urls import path

from . import views, views_exports

app_name = "reporting"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("exports/reviews.csv", views_exports.reviews_csv, name="export_reviews_csv"),
    path("exports/reviews.xlsx", views_exports.reviews_xlsx, name="export_reviews_xlsx"),
]
