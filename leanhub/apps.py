from django.apps import AppConfig


class LeanhubConfig(AppConfig):
    name = "leanhub"
    verbose_name = "LeanHub core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from leanhub import checks  # noqa: F401  (registers the start-up checks)
