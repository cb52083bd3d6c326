"""Participant-facing pages of this app, mounted under /me/help/ (the portal boundary)."""

from django.urls import path

from . import portal_views

app_name = "safety_portal"
urlpatterns = [
    path("", portal_views.help_view, name="help"),
    path("tell/", portal_views.tell_view, name="tell"),
    path("sent/", portal_views.sent_view, name="sent"),
]
