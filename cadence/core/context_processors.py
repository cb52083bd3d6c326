from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from cadence.accounts.permissions import Capability, has_capability

from .pdf import PART2_NOTICE


def cadence(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", "") if user is not None and user.is_authenticated else ""
    return {
        "session_timeout_minutes": settings.CADENCE_SESSION_TIMEOUT_MINUTES,
        "part2_notice": PART2_NOTICE,  # every page's footer, like every PDF's (DOMAIN.md section 6)
        "can_view_audit": has_capability(role, Capability.VIEW_AUDIT),
        "can_see_outcomes": has_capability(role, Capability.VIEW_OUTCOMES),
        "can_register": has_capability(role, Capability.REGISTER_PARTICIPANT),
        "can_configure": has_capability(role, Capability.MANAGE_CONFIGURATION),
        "can_see_alerts": has_capability(role, Capability.EDIT_CLINICAL),
        "can_see_crisis": has_capability(role, Capability.READ_CLINICAL_RECORD),
    }
