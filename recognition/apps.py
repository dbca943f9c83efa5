from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = _("Recognition")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from recognition import thanks

        # The thank-you e-mail kind, chosen like every other on the e-mail choices page.
        thanks.register()
