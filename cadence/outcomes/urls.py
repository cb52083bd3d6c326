from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("", views.report_view, name="report"),
    path("export.csv", views.export_view, name="export"),
]
