from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "cadence.attendance"
    label = "attendance"
    verbose_name = "Attendance, hours and billing"
