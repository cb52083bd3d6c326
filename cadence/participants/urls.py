from django.urls import path

from . import views

app_name = "participants"
urlpatterns = [
    path("", views.caseload_view, name="caseload"),
    path("new/", views.register_view, name="register"),
    path("<int:pk>/", views.chart_view, name="chart"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/contacts/new/", views.add_contact_view, name="add_contact"),
    path("<int:pk>/diagnoses/new/", views.add_diagnosis_view, name="add_diagnosis"),
    path("<int:pk>/refer/", views.refer_view, name="refer"),
    path("<int:pk>/admit/", views.admit_view, name="admit"),
    path("episodes/<int:pk>/waitlist/", views.waitlist_view, name="waitlist"),
    path("episodes/<int:pk>/close/", views.close_referral_view, name="close_referral"),
    path("episodes/<int:pk>/level-of-care/", views.change_level_view, name="change_level"),
    path("episodes/<int:pk>/discharge/", views.discharge_view, name="discharge"),
]
