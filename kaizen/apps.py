from django.apps import AppConfig


class KaizenConfig(AppConfig):
    name = "kaizen"
    verbose_name = "Kaizen boards and PDCA"
    default_auto_field = "django.db.models.BigAutoField"
