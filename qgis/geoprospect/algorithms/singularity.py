"""`geoprospect:singularity`: the local singularity index of a layer (Cheng 2007)."""
from qgis.core import (
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from .base import GeoprospectAlgorithm, add_compress


class SingularityAlgorithm(GeoprospectAlgorithm):
    command = "singularity"
    title = "Singularity index"
    group_id = "evidence"
    help_text = (
        "The local singularity index (Cheng 2007) of a layer of concentrations over centred "
        "square windows: alpha < 2 marks enrichment, alpha > 2 depletion."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterRasterLayer("INPUT", "Layer of concentrations (values > 0)")
        )
        self.addParameter(
            QgsProcessingParameterString(
                "WINDOWS", "Window sides in cells, odd, comma-separated (at least two)",
                "1,3,5,7,9",
            )
        )
        add_compress(self)
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "Singularity index"))

    def arguments(self, args, outputs):
        args.add(args.raster("INPUT"))
        args.string("--windows", "WINDOWS")
        args.add("--out", outputs["OUTPUT"])
        args.enum("--compress", "COMPRESS")
