from django.urls import path

from review import search_views

app_name = "audit"

urlpatterns = [
    path("", search_views.access_log, name="access_log"),
    path("export/", search_views.access_log_export, name="access_log_export"),
    path("events/<int:event_id>/", search_views.access_log_event, name="access_log_event"),
]
