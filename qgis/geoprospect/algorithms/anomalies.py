"""`geoprospect:anomalies`: anomaly thresholds and classes of a sample file's assays."""
from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from .base import GeoprospectAlgorithm, add_area, add_points, area_arguments, points_arguments


class AnomaliesAlgorithm(GeoprospectAlgorithm):
    command = "anomalies"
    title = "Anomaly thresholds and classes"
    group_id = "geochemistry"
    help_text = (
        "Thresholds of each element (median + 2 MAD, Tukey's upper fence, the 95th percentile, "
        "the concentration-area fractal breaks) and the anomaly class of each sample: "
        "thresholds.csv and samples.geojson in the output folder."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                "SAMPLES", "Samples (CSV or OGR points)",
                [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVector],
            )
        )
        add_points(self, "SAMPLES", "CRS of the coordinates (required for CSV)")
        self.addParameter(
            QgsProcessingParameterString(
                "ELEMENTS", "Element symbols to keep, comma-separated (default: all)",
                optional=True,
            )
        )
        add_area(self)
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Output folder"))

    def arguments(self, args, outputs):
        args.add(args.vector("SAMPLES"))
        points_arguments(args)
        args.string("--elements", "ELEMENTS")
        area_arguments(args)
        args.add("--out-dir", outputs["OUTPUT"])
