from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas and value-stream maps")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register this app's e-mails and jobs, and add its rows and files to the organisation
        data export (leanhub/orgdata.py) and to erasure."""
        from ideas import erasure, mail, orgdata

        mail.register()

        orgdata.register()
        # Its kinds in the header's search (leanhub/search.py).
        from ideas import search

        search.register()
        erasure.connect()
