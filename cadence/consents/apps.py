from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "cadence.consents"
    label = "consents"
    verbose_name = "42 CFR Part 2 consents and disclosures"
