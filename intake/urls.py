from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("", views.intake_home, name="home"),
    path("register/", views.client_register_page, name="register"),
    path("clients/<int:client_id>/", views.intake_client, name="client"),
    path("clients/<int:client_id>/refer/", views.referral_new, name="refer"),
    path(
        "clients/<int:client_id>/referrals/<int:referral_id>/end/",
        views.referral_end_page,
        name="referral_end",
    ),
    path("clients/<int:client_id>/service-need/", views.service_need_new, name="service_need"),
    path("clients/<int:client_id>/move/", views.client_move_page, name="move"),
    path(
        "clients/<int:client_id>/relationship/end/",
        views.relationship_end_page,
        name="relationship_end",
    ),
    path(
        "clients/<int:client_id>/relationship/new/",
        views.relationship_start_page,
        name="relationship_start",
    ),
]
