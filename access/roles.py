"""The staff roles. Each is a Django group whose name is the role's code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_WORKER = "case_worker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    ACCESS_ADMIN = "access_admin", _("Access administrator")
    # Of the labour authority (työvoimaviranomainen): registers and refers clients and documents
    # their service need. Not a case worker: never opens the case worker's record view.
    LABOUR_OFFICIAL = "labour_official", _("Labour-authority official")


def roles_of(user) -> list[Role]:
    """The roles a user holds, in the order of `Role`; none for anonymous or inactive users."""
    if not (user.is_authenticated and user.is_active):
        return []
    names = {group.name for group in user.groups.all()}
    return [role for role in Role if role.value in names]
