"""`geoprospect:proximity`: the distance from each cell to the nearest feature of a vector
layer."""
from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterCrs,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from .base import GeoprospectAlgorithm, add_compress


class ProximityAlgorithm(GeoprospectAlgorithm):
    command = "proximity"
    title = "Proximity (distance to features)"
    group_id = "evidence"
    help_text = (
        "The exact distance from each cell centre of a grid (taken from a raster) to the "
        "nearest feature (line, polygon or point) of a vector layer, in the grid CRS's units."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                "INPUT", "Features", [QgsProcessing.TypeVectorAnyGeometry]
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer("LIKE", "Grid (CRS, extent and cell size) of")
        )
        self.addParameter(
            QgsProcessingParameterString(
                "WHERE", "OGR SQL attribute filter, e.g. type = 'fault'", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterCrs("VECTOR_CRS", "CRS of a vector file that has none",
                                      optional=True)
        )
        add_compress(self)
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "Distance"))

    def arguments(self, args, outputs):
        args.add(args.vector("INPUT", "--layer"))
        args.add("--like", args.raster("LIKE"))
        args.string("--where", "WHERE")
        args.crs("--vector-crs", "VECTOR_CRS")
        args.add("--out", outputs["OUTPUT"])
        args.enum("--compress", "COMPRESS")
