from django.urls import path

from records import consent_views as views

app_name = "consent"

# Included under clients/<int:client_id>/consents/.
urlpatterns = [
    path("", views.consent_list, name="list"),
    path("form/", views.consent_form_print, name="form"),
    path("new/", views.consent_new, name="new"),
    path("<int:consent_id>/withdraw/", views.consent_withdraw_page, name="withdraw"),
    path("<int:consent_id>/scan/", views.consent_scan, name="scan"),
    path("<int:consent_id>/scan/attach/", views.consent_scan_attach_page, name="attach_scan"),
]
