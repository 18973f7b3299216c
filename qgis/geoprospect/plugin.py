"""The plugin: registers the geoprospect Processing provider (also in qgis_process, which calls
initProcessing only)."""
from qgis.core import QgsApplication

from .provider import GeoprospectProvider


class GeoprospectPlugin:
    """Adds the provider on load and removes it on unload; no toolbar or menu of its own."""

    def __init__(self):
        self.provider = None

    def initProcessing(self):  # noqa: N802 (the name QGIS calls)
        """Registers the provider with the Processing registry."""
        self.provider = GeoprospectProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        """QGIS desktop: the same registration."""
        self.initProcessing()

    def unload(self):
        """Removes the provider."""
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
