from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cadence.portal"
    label = "portal"
    verbose_name = "Participant portal"
