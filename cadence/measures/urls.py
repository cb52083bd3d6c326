from django.urls import path

from cadence.portal import staff_views

from . import views

app_name = "measures"
urlpatterns = [
    path("participant/<int:pk>/", views.trends_view, name="trends"),
    path("participant/<int:pk>/record/", views.choose_view, name="choose"),
    path("participant/<int:pk>/record/<slug:code>/", views.administer_view, name="administer"),
    path("participant/<int:pk>/drug-screens/new/", views.add_screen_view, name="add_screen"),
    path("participant/<int:pk>/links/new/", views.create_link_view, name="create_link"),
    path("participant/<int:pk>/portal/", staff_views.invite_view, name="portal_invite"),
    path("results/<int:pk>/", views.result_view, name="result"),
    path("preview/<slug:code>/", views.preview_view, name="preview"),
    path("alerts/", views.alerts_view, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge_view, name="acknowledge_alert"),
    path("alerts/<int:pk>/close/", views.close_view, name="close_alert"),
]
