from functools import wraps

from django.core.exceptions import PermissionDenied

from access.roles import Role, roles_of


def role_required(role: Role):
    """Refuse (403) a signed-in user who does not hold `role`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if role not in roles_of(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
