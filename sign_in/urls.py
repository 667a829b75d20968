from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.i18n import set_language

from sign_in import views
from sign_in.forms import SignInForm
from sign_in.middleware import second_factor_not_required

# Mounted at the root: the sign-in pages keep the addresses people have bookmarked.
urlpatterns = [
    path(
        "sign-in/",
        second_factor_not_required(
            auth_views.LoginView.as_view(
                authentication_form=SignInForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    # Reached before signing in: the person has no password yet.
    path(
        "sign-in/first-password/<uidb64>/<token>/",
        second_factor_not_required(login_not_required(views.FirstPassword.as_view())),
        name="first_password",
    ),
    path("sign-in/code/", views.two_factor_code, name="two_factor_code"),
    path("sign-in/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path(
        "sign-in/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("sign-in/confirm/", views.identity_confirm, name="identity_confirm"),
    path("password/", views.OwnPasswordChange.as_view(), name="password_change"),
    path("sessions/", views.open_sessions, name="open_sessions"),
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
]
