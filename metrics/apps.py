from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = _("Measures, savings and dashboards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Add this app's rows and files to the organisation data export (leanhub/orgdata.py)."""
        from metrics import orgdata

        orgdata.register()
