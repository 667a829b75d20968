from django.urls import path

from review import justification_views as views

app_name = "justification_answers"

# Included under justifications/: the worker answers their own requests here.
urlpatterns = [
    path("<int:request_id>/answer/", views.justification_answer_page, name="answer"),
]
