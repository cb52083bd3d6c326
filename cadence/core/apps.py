from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cadence.core"
    label = "core"

    def ready(self) -> None:
        from . import timezones  # noqa: F401  (registers the sign-in receiver)
