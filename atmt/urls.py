from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from atmt import views
from atmt.forms import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("clients/", include("clients.urls")),
    path("clients/<int:client_id>/consents/", include("consent.urls")),
    path("access-log/", include("audit.urls")),
    path("access-rights/", include("access.urls")),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    # The sign-in page offers the language switch too, before anyone has signed in.
    path("language/", login_not_required(set_language), name="set_language"),
    path("maintenance/", admin.site.urls),
]
