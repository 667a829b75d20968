from django.urls import path

from records import entry_views as views

app_name = "entries"

# Included under clients/<int:client_id>/entries/.
urlpatterns = [
    path("new/", views.entry_new, name="new"),
    path("<int:entry_id>/", views.entry_history, name="history"),
    path("<int:entry_id>/correct/", views.entry_correct_page, name="correct"),
]
