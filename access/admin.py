from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from access.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (None, {"fields": ("organisation",)}),
    )
    list_display = ("username", "first_name", "last_name", "organisation", "is_active")
