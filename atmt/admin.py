from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SuperuserOnlyAdminSite(admin.AdminSite):
    """Django's admin, for superusers only.

    Staff status alone is not enough: the admin bypasses the access policy, so it must never
    become a way round it. Models holding client data are never registered here.
    """

    site_header = _("ATMT maintenance")
    site_title = _("ATMT maintenance")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def login(self, request, extra_context=None):
        """Use ATMT's own sign-in page; a signed-in user who is not a superuser is refused."""
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", reverse("admin:index")))
