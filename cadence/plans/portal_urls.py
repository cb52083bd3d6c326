"""Participant-facing pages of the plans app, mounted under /me/plan/ (the portal boundary)."""

from django.urls import path

from . import portal_views

app_name = "plans_portal"
urlpatterns = [
    path("", portal_views.plan_view, name="plan"),
    path("sign/<int:revision_id>/", portal_views.sign_view, name="sign"),
]
