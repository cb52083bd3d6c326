from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import STAFF_ROLES, User


def staff_user(request: HttpRequest) -> User:
    """The signed-in staff member of a request (views and API operations run only after login)."""
    user = request.user
    if not isinstance(user, User) or not user.is_active or user.role not in STAFF_ROLES:
        raise PermissionDenied("Sign in as a staff member.")
    return user
