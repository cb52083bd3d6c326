from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cadence.plans"
    label = "plans"
    verbose_name = "Treatment plans"

    def ready(self) -> None:
        from cadence.participants.signals import episode_discharged

        from .receivers import close_plan_on_discharge

        # A discharge closes the episode's treatment plan (same transaction; see participants.signals).
        episode_discharged.connect(close_plan_on_discharge, dispatch_uid="plans.close_plan_on_discharge")
