from django.urls import path

from records import health_views as views

app_name = "health"

# Included under clients/<int:client_id>/health/.
urlpatterns = [
    path("", views.health_section, name="section"),
    path("new/", views.health_item_new, name="new"),
]
