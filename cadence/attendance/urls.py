from django.urls import path

from . import billing_views, kiosk_views, views

app_name = "attendance"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("sessions/<int:pk>/", views.roster_view, name="roster"),
    path("sessions/<int:pk>/participants/<int:participant_id>/mark/", views.mark_view, name="mark"),
    path("sessions/<int:pk>/all-present/", views.all_present_view, name="all_present"),
    path("sessions/<int:pk>/add/", views.add_view, name="add"),
    path("check-ins/<int:pk>/<str:decision>/", views.check_in_view, name="check_in"),
    path("participant/<int:pk>/", views.participant_view, name="participant"),
    path("participant/<int:pk>/pin/", views.pin_view, name="pin"),
    path("participant/<int:pk>/authorizations/new/", billing_views.authorization_new_view, name="authorization_new"),
    path("board/", views.board_view, name="board"),
    path("outreach/", views.outreach_list_view, name="outreach_list"),
    path("outreach/<int:pk>/", views.outreach_view, name="outreach"),
    path("authorizations/", billing_views.authorizations_view, name="authorizations"),
    path("authorizations/<int:pk>/edit/", billing_views.authorization_edit_view, name="authorization_edit"),
    path("authorizations/<int:pk>/void/", billing_views.authorization_void_view, name="authorization_void"),
    path("billing/", billing_views.billing_view, name="billing"),
    path("billing/export.csv", billing_views.billing_export_view, name="billing_export"),
    path("kiosk/<int:site_id>/", kiosk_views.kiosk_view, name="kiosk"),
    path("kiosk/<int:site_id>/unlock/", kiosk_views.unlock_view, name="kiosk_unlock"),
    path("kiosk/<int:site_id>/lock/", kiosk_views.lock_view, name="kiosk_lock"),
]
