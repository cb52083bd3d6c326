from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "cadence.outcomes"
    label = "outcomes"
    verbose_name = "Program outcomes"
