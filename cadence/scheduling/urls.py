from django.urls import path

from . import edit_views, feed_views, plan_views, views

app_name = "scheduling"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("me/", views.my_week_view, name="my_week"),
    path("programs/<int:program_id>/", views.program_week_view, name="program_week"),
    path("programs/<int:program_id>/build/", plan_views.build_view, name="build"),
    path("programs/<int:program_id>/generate/", plan_views.generate_view, name="generate"),
    path("programs/<int:program_id>/sessions/new/", plan_views.one_off_view, name="one_off"),
    path("programs/<int:program_id>/templates/", plan_views.templates_view, name="templates"),
    path("programs/<int:program_id>/closures/", plan_views.closures_view, name="closures"),
    path("programs/<int:program_id>/closures/<int:pk>/edit/", edit_views.edit_closure_view, name="edit_closure"),
    path("templates/<int:pk>/edit/", edit_views.edit_template_view, name="edit_template"),
    path("templates/<int:pk>/end/", edit_views.end_template_view, name="end_template"),
    path("templates/<int:pk>/slots/", plan_views.add_slot_view, name="add_slot"),
    path("slots/<int:pk>/edit/", edit_views.edit_slot_view, name="edit_slot"),
    path("slots/<int:pk>/remove/", plan_views.remove_slot_view, name="remove_slot"),
    path("rooms/<int:room_id>/", views.room_week_view, name="room_week"),
    path("staff/<int:staff_id>/", views.staff_week_view, name="staff_week"),
    path("staff/<int:staff_id>/time-off/", plan_views.time_off_view, name="time_off"),
    path("staff/<int:staff_id>/calendar-feeds/", feed_views.create_staff_feed_view, name="create_staff_feed"),
    path("participants/<int:participant_id>/", views.participant_week_view, name="participant_week"),
    path(
        "participants/<int:participant_id>/calendar-feeds/",
        feed_views.create_participant_feed_view,
        name="create_participant_feed",
    ),
    path("participants/<int:participant_id>/availability/", views.availability_view, name="availability"),
    path("participants/<int:participant_id>/preferences/", views.preference_view, name="preferences"),
    path("calendar-feeds/<int:pk>/revoke/", feed_views.revoke_feed_view, name="revoke_feed"),
    path("calendar/<str:token>.ics", feed_views.calendar_view, name="calendar"),
    path("sessions/<int:pk>/", views.session_view, name="session"),
    path("sessions/<int:pk>/book/", views.book_view, name="book"),
    path("sessions/<int:pk>/bookings/<int:booking_id>/cancel/", views.unbook_view, name="unbook"),
    path("sessions/<int:pk>/change/", views.change_session_view, name="change_session"),
    path("sessions/<int:pk>/move/", views.move_session_view, name="move_session"),
    path("plans/<int:pk>/", plan_views.plan_view, name="plan"),
    path("plans/<int:pk>/publish/", plan_views.publish_view, name="publish"),
    path("plans/<int:pk>/discard/", plan_views.discard_view, name="discard"),
]
