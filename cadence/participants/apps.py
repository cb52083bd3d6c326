from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "cadence.participants"
    label = "participants"
