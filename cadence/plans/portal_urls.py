"""Participant-facing pages of the plans app, mounted under /me/ (the portal boundary)."""

from django.urls import URLPattern

app_name = "plans_portal"
urlpatterns: list[URLPattern] = []
