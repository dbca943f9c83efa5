from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeanhubConfig(AppConfig):
    name = "leanhub"
    verbose_name = _("LeanHub core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from leanhub import (
            checks,  # noqa: F401  (registers the start-up checks)
            mail,
        )

        mail.register_jobs()
        from leanhub.i18n import prune_empty_catalogues

        prune_empty_catalogues()
