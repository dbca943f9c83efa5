from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignonConfig(AppConfig):
    name = "signon"
    verbose_name = _("Single sign-on")

    def ready(self) -> None:
        from signon import checks  # noqa: F401  (registers the system checks)
