from django.urls import path

from review import justification_views as views

app_name = "justifications"

# Included under access-log/justifications/: the supervisor's requests, and the grounds of a
# "not justified" finding, which the access administrators see.
urlpatterns = [
    path("", views.justification_list, name="list"),
    path("new/", views.justification_new, name="new"),
    path("<int:request_id>/", views.justification_detail, name="detail"),
    path("reports/", views.grounds_report_list, name="reports"),
    path("reports/<int:request_id>/handled/", views.grounds_report_handle_page, name="handle"),
]
