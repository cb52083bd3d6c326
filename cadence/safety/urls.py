from django.urls import path

from . import views

app_name = "safety"
urlpatterns = [
    path("", views.events_view, name="events"),
    path("events/<int:pk>/", views.event_view, name="event"),
    path("events/<int:pk>/acknowledge/", views.acknowledge_view, name="acknowledge"),
    path("events/<int:pk>/assess/", views.assess_view, name="assess"),
    path("events/<int:pk>/resolve/", views.resolve_view, name="resolve"),
    path("events/<int:pk>/reopen/", views.reopen_view, name="reopen"),
    path("participant/<int:pk>/flags/new/", views.raise_flag_view, name="raise_flag"),
    path("participant/<int:pk>/events/new/", views.raise_event_view, name="raise_event"),
    path("flags/<int:pk>/clear/", views.clear_flag_view, name="clear_flag"),
    path("on-call/", views.on_call_view, name="on_call"),
    path("on-call/<int:pk>/end/", views.end_shift_view, name="end_shift"),
    path("report/", views.report_view, name="report"),
    path("notifications/", views.notifications_view, name="notifications"),
]
