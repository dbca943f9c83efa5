from django.apps import AppConfig


class LeanhubConfig(AppConfig):
    name = "leanhub"
    verbose_name = "LeanHub core"
    default_auto_field = "django.db.models.BigAutoField"
