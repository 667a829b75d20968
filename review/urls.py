from django.urls import path

from review import client_views, search_views, worker_views

app_name = "audit"

urlpatterns = [
    path("", search_views.access_log, name="access_log"),
    path("export/", search_views.access_log_export, name="access_log_export"),
    path("events/<int:event_id>/", search_views.access_log_event, name="access_log_event"),
    path(
        "events/<int:event_id>/client/",
        client_views.access_log_event_client,
        name="access_log_event_client",
    ),
    path("workers/<int:worker_id>/", worker_views.access_log_worker, name="access_log_worker"),
    # The key the session keeps a client found by identity code under: never the code itself.
    path("clients/<slug:key>/", client_views.access_log_client, name="access_log_client"),
]
