"""Progress notes and group notes: writing, signing, co-signing, addenda, curricula and templates."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import manage_views, views

KIND = "<str:kind>/<int:pk>"

app_name = "notes"
urlpatterns: list[URLPattern] = [
    path("session/<int:pk>/", views.session_view, name="session"),
    path("session/<int:pk>/group/", views.start_group_view, name="start_group"),
    path("session/<int:pk>/participant/<int:participant_id>/", views.start_progress_view, name="start_progress"),
    path("group/<int:pk>/", views.group_view, name="group"),
    path("group/<int:pk>/shared/", views.group_shared_view, name="group_shared"),
    path("group/<int:pk>/roster/", views.group_roster_view, name="group_roster"),
    path("group/<int:pk>/members/<int:member_pk>/", views.group_member_view, name="group_member"),
    path("progress/<int:pk>/", views.progress_view, name="progress"),
    path(f"{KIND}/sign/", views.sign_view, name="sign"),
    path(f"{KIND}/cosign/", views.cosign_view, name="cosign"),
    path(f"{KIND}/return/", views.return_view, name="return"),
    path(f"{KIND}/addendum/", views.addendum_view, name="addendum"),
    path("participant/<int:pk>/", views.chart_view, name="chart"),
    path("participant/<int:pk>/group/<int:note_pk>/", views.chart_group_view, name="chart_group"),
    path("participant/<int:pk>/pdf/", views.chart_pdf_view, name="chart_pdf"),
    path("cosign/", views.queue_view, name="queue"),
    path("curricula/", manage_views.curricula_view, name="curricula"),
    path("curricula/<int:pk>/", manage_views.curriculum_view, name="curriculum"),
    path("templates/", manage_views.templates_view, name="templates"),
    path("templates/<int:pk>/", manage_views.templates_view, name="template"),
]
