"""The one error shape every domain rule raises: the field it concerns and the reason in plain words.

Forms put ``reason`` next to ``field``; the API answers 400 with ``{"detail": [{"field", "reason"}]}``.
"""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
