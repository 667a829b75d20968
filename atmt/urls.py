"""The root URLconf. It names the apps' URLconfs by string, so the project imports no app."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("access.home_urls")),
    path("", include("sign_in.urls")),
    path("clients/", include("records.urls")),
    path("clients/<int:client_id>/consents/", include("records.consent_urls")),
    path("clients/<int:client_id>/health/", include("records.health_urls")),
    path("clients/<int:client_id>/entries/", include("records.entry_urls")),
    path("access-log/justifications/", include("review.justification_urls")),
    path("", include("review.rule_urls")),
    path("access-log/", include("review.urls")),
    path("justifications/", include("review.justification_answer_urls")),
    path("intake/", include("intake.urls")),
    path("access-rights/", include("access.urls")),
    path("maintenance/", admin.site.urls),
]
