from django.urls import path

from . import views, views_complaints, views_family, views_iro, views_practitioner, views_themes

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("iro/", views_iro.iro_list, name="iro_list"),
    path("iro/new/", views_iro.iro_new, name="iro_new"),
    path("iro/case-lookup/", views_iro.iro_case_lookup, name="iro_case_lookup"),
    path("iro/<int:pk>/", views_iro.iro_detail, name="iro_detail"),
    path(
        "reviews/<int:review_pk>/practitioner/",
        views_practitioner.practitioner_feedback,
        name="practitioner_feedback",
    ),
    path("family/", views_family.family_list, name="family_list"),
    path("links/new/", views_family.link_new, name="family_link_new"),
    # Public: children and families open these without an account (tests/test_anonymous_access).
    path("f/thank-you/", views_family.family_thanks, name="family_thanks"),
    path("f/<str:token>/", views_family.family_form, name="family_form"),
    *views_complaints.urlpatterns,
    *views_themes.urlpatterns,
]
