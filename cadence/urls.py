from django.contrib import admin
from django.urls import include, path

from cadence.api import api

admin.site.site_header = "Cadence configuration"
admin.site.site_title = "Cadence"

urlpatterns = [
    path("", include("cadence.core.urls")),
    path("accounts/", include("cadence.accounts.urls")),
    path("participants/", include("cadence.participants.urls")),
    path("audit/", include("cadence.audit.urls")),
    path("schedule/", include("cadence.scheduling.urls")),
    path("attendance/", include("cadence.attendance.urls")),
    path("measures/", include("cadence.measures.urls")),
    path("plans/", include("cadence.plans.urls")),
    path("notes/", include("cadence.notes.urls")),
    path("safety/", include("cadence.safety.urls")),
    path("safety-plans/", include("cadence.safetyplans.urls")),
    path("consents/", include("cadence.consents.urls")),
    path("outcomes/", include("cadence.outcomes.urls")),
    path("interop/", include("cadence.interop.urls")),
    path("me/help/", include("cadence.safety.portal_urls")),
    path("me/safety-plan/", include("cadence.safetyplans.portal_urls")),
    path("me/plan/", include("cadence.plans.portal_urls")),
    path("me/consents/", include("cadence.consents.portal_urls")),
    path("me/", include("cadence.portal.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
