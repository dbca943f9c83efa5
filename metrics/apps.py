from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = _("Measures, savings and dashboards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from leanhub import jobs
        from metrics import orgdata, special_cause

        # Owners hear of special-cause variation their new figures raise (metrics/special_cause).
        special_cause.register()

        # Each staff pulse's finished weeks become measure points (``close_pulse_weeks``).
        jobs.daily("close pulse weeks", "metrics.pulses.close_weeks", hour=2)
        # This app's rows and files join the organisation data export (leanhub/orgdata.py).
        orgdata.register()
        # Its kinds in the header's search (leanhub/search.py).
        from metrics import search

        search.register()
