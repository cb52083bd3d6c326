from django.urls import path

from . import views

app_name = "participants"
urlpatterns = [
    path("", views.caseload_view, name="caseload"),
    path("<int:pk>/", views.chart_view, name="chart"),
]
