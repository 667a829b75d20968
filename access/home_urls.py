from django.urls import path

from access import home

urlpatterns = [
    path("", home.home, name="home"),
]
