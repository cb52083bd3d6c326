from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("check-in/", views.check_in_view, name="check_in"),
    path("questionnaires/<slug:code>/", views.measure_view, name="measure"),
    path("language/", views.language_view, name="language"),
    path("m/<str:token>/", views.link_view, name="link"),
    path("welcome/<str:uidb64>/<str:token>/", views.welcome_view, name="welcome"),
]
