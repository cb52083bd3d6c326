from django.urls import path

from . import views

app_name = "safetyplans"
urlpatterns = [
    path("<int:pk>/", views.plan_view, name="plan"),
    path("<int:pk>/start/", views.start_view, name="start"),
    path("versions/<int:vpk>/", views.version_view, name="version"),
    path("versions/<int:vpk>/pdf/", views.pdf_view, name="pdf"),
    path("versions/<int:vpk>/sign/", views.sign_view, name="sign"),
    path("versions/<int:vpk>/attest/", views.attest_view, name="attest"),
    path("versions/<int:vpk>/reopen/", views.reopen_view, name="reopen"),
    path("versions/<int:vpk>/<slug:section>/add/", views.add_item_view, name="add_item"),
    path("versions/<int:vpk>/<slug:section>/<int:index>/edit/", views.edit_item_view, name="edit_item"),
    path("versions/<int:vpk>/<slug:section>/<int:index>/remove/", views.remove_item_view, name="remove_item"),
]
