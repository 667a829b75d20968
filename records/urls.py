from django.urls import path

from records import views

app_name = "clients"

urlpatterns = [
    path("", views.caseload_list, name="caseload"),
    path("search/", views.client_search, name="search"),
    path("<int:client_id>/", views.client_record, name="record"),
    path("<int:client_id>/purpose/", views.purpose_choose, name="purpose"),
]
