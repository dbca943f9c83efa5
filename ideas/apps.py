from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas and value-stream maps")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Add this app's rows and files to the organisation data export (leanhub/orgdata.py)."""
        from ideas import erasure, orgdata

        orgdata.register()
        erasure.connect()
