from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (None, {"fields": ("organisation",)}),
    )
    list_display = ("username", "first_name", "last_name", "organisation", "is_active")


# django-otp registers its devices in Django's admin. Their rows hold the users' secret keys, and
# a device is reset on the access administrators' page, where the reset is logged.
for device_model in (TOTPDevice, StaticDevice):
    admin.site.unregister(device_model)
