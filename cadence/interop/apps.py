from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "cadence.interop"
    label = "interop"
    verbose_name = "Interoperability (FHIR R4 export)"
