from django.urls import path

from access import staff_views, views

app_name = "access"

urlpatterns = [
    path("", views.access_overview, name="overview"),
    path("apply/", views.application_new, name="apply"),
    path("applications/<int:application_id>/", views.application_decide, name="decide"),
    path("grants/<int:grant_id>/revoke/", views.grant_revoke_page, name="revoke"),
    path("grants/<int:grant_id>/change/", views.grant_change_page, name="change"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path(
        "agreements/<int:agreement_id>/terminate/",
        views.agreement_terminate_page,
        name="agreement_terminate",
    ),
    path(
        "agreements/<int:agreement_id>/duties-changed/",
        views.agreement_duties_changed_page,
        name="agreement_duties_changed",
    ),
    path("users/", views.user_list, name="users"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
    path("locked-accounts/", views.locked_account_list, name="locked_accounts"),
    path(
        "users/<int:user_id>/two-factor-reset/",
        views.two_factor_reset_page,
        name="two_factor_reset",
    ),
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/new/", staff_views.staff_new, name="staff_new"),
    path("staff/<int:user_id>/", staff_views.staff_account, name="staff_account"),
    path("staff/<int:user_id>/deactivate/", staff_views.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:user_id>/reactivate/", staff_views.staff_reactivate, name="staff_reactivate"),
    path(
        "staff/<int:user_id>/sign-in-link/",
        staff_views.staff_sign_in_link,
        name="staff_sign_in_link",
    ),
]
