from django.contrib.admin.apps import AdminConfig


class SuperuserOnlyAdminConfig(AdminConfig):
    default_site = "atmt.admin.SuperuserOnlyAdminSite"
