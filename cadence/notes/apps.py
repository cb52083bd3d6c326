from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "cadence.notes"
    label = "notes"
    verbose_name = "Clinical notes"
