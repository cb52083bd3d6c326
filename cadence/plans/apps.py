from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cadence.plans"
    label = "plans"
    verbose_name = "Treatment plans"
