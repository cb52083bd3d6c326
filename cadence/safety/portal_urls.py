"""Participant-facing pages of this app, mounted under /me/ (the portal boundary)."""

from django.urls import URLPattern

app_name = "safety_portal"
urlpatterns: list[URLPattern] = []
