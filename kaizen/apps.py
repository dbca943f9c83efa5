from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KaizenConfig(AppConfig):
    name = "kaizen"
    verbose_name = _("Kaizen boards and PDCA")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Hang kaizen's cards on the value-stream map steps they improve, as the drawing's
        stars: ``ideas`` sits below kaizen and cannot read cards, so kaizen hands it a reader."""
        # Imported here: queries imports the models, which are not loaded while apps.py is.
        from ideas.maps.links import register_step_links
        from kaizen.queries import card_links_for_steps

        register_step_links(card_links_for_steps)
        from kaizen import erasure, orgdata

        # This app's rows and files in the organisation data export (leanhub/orgdata.py).
        orgdata.register()
        # Its kinds in the header's search (leanhub/search.py).
        from kaizen import search

        search.register()
        erasure.connect()
