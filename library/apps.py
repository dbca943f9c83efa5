from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = _("Library of proven changes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Its entries in the header's search (leanhub/search.py).
        from library import search

        search.register()
