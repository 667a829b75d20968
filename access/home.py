from django.shortcuts import render

from access.roles import roles_of


def home(request):
    """Each role's own start page; a user with several roles sees a section for each."""
    return render(request, "home.html", {"home_roles": [r.value for r in roles_of(request.user)]})
