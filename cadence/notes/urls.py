from django.urls import URLPattern

app_name = "notes"
urlpatterns: list[URLPattern] = []
