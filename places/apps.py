from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = _("Total Place")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from places import redtape

        # Red tape's e-mail kind, and the daily reminders of replies due (leanhub/jobs.py).
        redtape.register()
