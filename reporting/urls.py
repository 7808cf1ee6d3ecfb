from django.urls import path

from . import views, views_exports

app_name = "reporting"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("exports/reviews.csv", views_exports.reviews_csv, name="export_reviews_csv"),
    path("exports/reviews.xlsx", views_exports.reviews_xlsx, name="export_reviews_xlsx"),
]

from . import views_reports  # noqa: E402  (the QA report, issue 6 point 4)

urlpatterns += [
    path("reports/", views_reports.reports, name="reports"),
    path("reports/<int:cycle_pk>/", views_reports.report_edit, name="report_edit"),
    path("reports/<int:cycle_pk>/preview/", views_reports.report_preview, name="report_preview"),
    path("reports/<int:cycle_pk>/plan/", views_reports.plan_item_add, name="plan_item_add"),
    path(
        "reports/plan/<int:pk>/remove/",
        views_reports.plan_item_remove,
        name="plan_item_remove",
    ),
    path("reports/<int:cycle_pk>/publish/", views_reports.report_publish, name="report_publish"),
    path("reports/versions/<int:pk>/pdf/", views_reports.version_pdf, name="version_pdf"),
]

from . import views_benchmarks  # noqa: E402  (Benchmarking Reviews, issue 6 point 6)

urlpatterns += [
    path("benchmarks/", views_benchmarks.benchmarks, name="benchmarks"),
    path("benchmarks/new/", views_benchmarks.benchmark_add, name="benchmark_add"),
    path("benchmarks/<int:pk>/", views_benchmarks.benchmark, name="benchmark"),
]
