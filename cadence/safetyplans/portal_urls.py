"""Participant-facing pages of this app, mounted under /me/ (the portal boundary)."""

from django.urls import path

from . import portal_views

app_name = "safetyplans_portal"
urlpatterns = [
    path("", portal_views.plan_view, name="plan"),
    path("sign/", portal_views.sign_view, name="sign"),
]
