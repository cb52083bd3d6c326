from django.urls import path

from . import views

app_name = "interop"
urlpatterns = [
    path("participant/<int:pk>/", views.participant_view, name="participant"),
    path("participant/<int:pk>/download/", views.download_view, name="download"),
]
