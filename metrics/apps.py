from __future__ import annotations

from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = "Measures, savings and dashboards"
    default_auto_field = "django.db.models.BigAutoField"
