from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "cadence.safety"
    label = "safety"
    verbose_name = "Safety and crisis"
