from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from access import sign_in_views
from access.middleware import second_factor_not_required
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
        second_factor_not_required(
            auth_views.LoginView.as_view(
                authentication_form=SignInForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("sign-in/code/", sign_in_views.two_factor_code, name="two_factor_code"),
    path("sign-in/enrol/", sign_in_views.two_factor_enrol, name="two_factor_enrol"),
    path(
        "sign-in/recovery-codes/",
        sign_in_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("sign-in/confirm/", sign_in_views.identity_confirm, name="identity_confirm"),
    path(
        "sign-out/",
        second_factor_not_required(auth_views.LogoutView.as_view()),
        name="logout",
    ),
    # The sign-in page offers the language switch too, before anyone has signed in.
    path(
        "language/",
        second_factor_not_required(login_not_required(set_language)),
        name="set_language",
    ),
    path("maintenance/", admin.site.urls),
]
