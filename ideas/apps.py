from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = "Ideas and value-stream maps"
    default_auto_field = "django.db.models.BigAutoField"
