"""The geoprospect Processing provider: its algorithms (one per command) and its setting, the
path of the geoprospect binary."""
from processing.core.ProcessingConfig import ProcessingConfig, Setting
from qgis.core import QgsProcessingProvider

from .algorithms import ALGORITHMS
from .cli import BINARY_SETTING


class GeoprospectProvider(QgsProcessingProvider):
    """Provider `geoprospect`: algorithms `geoprospect:run`, `geoprospect:grid`, ..."""

    def id(self):
        return "geoprospect"

    def name(self):
        return "geoprospect"

    def longName(self):  # noqa: N802
        return "geoprospect mineral prospectivity (REE, Sn, Mo)"

    def load(self):
        """Declares the binary setting (Processing > Options > Providers > geoprospect)."""
        ProcessingConfig.addSetting(
            Setting(
                self.name(),
                BINARY_SETTING,
                "geoprospect binary (empty: $GEOPROSPECT_BIN, then PATH)",
                "",
                valuetype=Setting.FILE,
            )
        )
        ProcessingConfig.readSettings()
        self.refreshAlgorithms()
        return True

    def unload(self):
        """Removes the setting."""
        ProcessingConfig.removeSetting(BINARY_SETTING)

    def loadAlgorithms(self):  # noqa: N802
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())

    def supportsNonFileBasedOutput(self):  # noqa: N802
        """The binary writes files only."""
        return False

    def supportedOutputRasterLayerExtensions(self):  # noqa: N802
        """The commands write Cloud-Optimized GeoTIFFs only."""
        return ["tif"]

    def defaultRasterFileExtension(self):  # noqa: N802
        return "tif"
