from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "cadence.measures"
    label = "measures"
    verbose_name = "Measurement-based care"
