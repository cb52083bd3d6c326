from django.urls import path

from . import views

app_name = "consents"
urlpatterns = [
    path("<int:pk>/", views.participant_view, name="participant"),
    path("<int:pk>/new/", views.new_consent_view, name="new"),
    path("<int:pk>/disclosures/new/", views.new_disclosure_view, name="new_disclosure"),
    path("<int:pk>/disclosures/consents/", views.consent_options_view, name="consent_options"),
    path("c/<int:cpk>/", views.consent_view, name="consent"),
    path("c/<int:cpk>/edit/", views.edit_consent_view, name="edit"),
    path("c/<int:cpk>/attest/", views.attest_view, name="attest"),
    path("c/<int:cpk>/send/", views.send_view, name="send"),
    path("c/<int:cpk>/revoke/", views.revoke_view, name="revoke"),
    path("c/<int:cpk>/expiry-event/", views.expiry_event_view, name="expiry_event"),
    path("disclosures/<int:dpk>/cover/", views.cover_view, name="cover"),
    path("disclosures/<int:dpk>/cover.pdf", views.cover_pdf_view, name="cover_pdf"),
]
