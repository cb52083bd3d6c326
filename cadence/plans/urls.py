"""Treatment plans: /plans/..."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "plans"
urlpatterns: list[URLPattern] = [
    path("participant/<int:pk>/", views.participant_plan_view, name="participant"),
    path("participant/<int:pk>/create/", views.create_view, name="create"),
    path("<int:pk>/", views.plan_view, name="plan"),
    path("<int:pk>/pdf/", views.pdf_view, name="pdf"),
    path("<int:pk>/sign/", views.sign_view, name="sign"),
    path("<int:pk>/review/", views.start_review_view, name="start_review"),
    path("<int:pk>/review-days/", views.review_days_view, name="review_days"),
    path("<int:pk>/revisions/<int:number>/", views.revision_view, name="revision"),
    path(
        "<int:pk>/revisions/<int:number>/participant-signature/",
        views.participant_signature_view,
        name="participant_signature",
    ),
    path("<int:pk>/<slug:kind>/add/", views.add_view, name="add"),
    path("<int:pk>/<slug:kind>/<int:row>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/<slug:kind>/<int:row>/remove/", views.remove_view, name="remove"),
]
