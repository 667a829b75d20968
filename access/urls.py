from django.urls import path

from access import views

app_name = "access"

urlpatterns = [
    path("", views.access_overview, name="overview"),
    path("apply/", views.application_new, name="apply"),
    path("applications/<int:application_id>/", views.application_decide, name="decide"),
    path("grants/<int:grant_id>/revoke/", views.grant_revoke_page, name="revoke"),
    path(
        "users/<int:user_id>/two-factor-reset/",
        views.two_factor_reset_page,
        name="two_factor_reset",
    ),
]
