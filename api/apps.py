from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from api import (
            delivery,
            schema,  # noqa: F401  (registers the token scheme with drf-spectacular)
        )

        # Webhooks hear the events the other apps emit (leanhub/events.py).
        delivery.register()
