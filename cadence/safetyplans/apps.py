from django.apps import AppConfig


class SafetyPlansConfig(AppConfig):
    name = "cadence.safetyplans"
    label = "safetyplans"
    verbose_name = "Safety plans"
