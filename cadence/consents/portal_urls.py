"""Participant-facing pages of this app, mounted under /me/consents/ (the portal boundary)."""

from django.urls import path

from . import portal_views

app_name = "consents_portal"
urlpatterns = [
    path("", portal_views.consents_view, name="consents"),
    path("<int:cpk>/sign/", portal_views.sign_view, name="sign"),
]
