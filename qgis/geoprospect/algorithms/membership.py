"""`geoprospect:membership`: a fuzzy membership function applied to a layer."""
from qgis.core import (
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from .base import GeoprospectAlgorithm, add_area, add_compress, area_arguments, enum_parameter


class MembershipAlgorithm(GeoprospectAlgorithm):
    command = "membership"
    title = "Fuzzy membership"
    group_id = "evidence"
    help_text = (
        "A fuzzy membership function on a layer: linear (0 at LOW, 1 at HIGH), large and small "
        "(1 / (1 + (x / MIDPOINT)^-+SPREAD)), gaussian (exp(-SPREAD (x - MIDPOINT)^2)) or "
        "sigmoid (1 / (1 + exp(-SLOPE (x - MIDPOINT)))). Thresholds are values or percentiles "
        "of the layer such as p90."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer("INPUT", "Layer"))
        self.addParameter(
            enum_parameter(
                "FN", "Membership function", ["linear", "large", "small", "gaussian", "sigmoid"],
                "linear",
            )
        )
        for name, what in (
            ("LOW", "Where a linear membership is 0"),
            ("HIGH", "Where a linear membership is 1"),
            ("MIDPOINT", "Midpoint of large, small, gaussian and sigmoid"),
        ):
            self.addParameter(
                QgsProcessingParameterString(
                    name, f"{what}: a value or a percentile such as p90", optional=True
                )
            )
        self.addParameter(
            QgsProcessingParameterNumber(
                "SPREAD", "Spread of large, small (default 5) and gaussian (default 0.1)",
                QgsProcessingParameterNumber.Double, optional=True, minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "SLOPE", "Slope of sigmoid (negative: decreasing)",
                QgsProcessingParameterNumber.Double, optional=True,
            )
        )
        add_area(self)
        add_compress(self)
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "Membership"))

    def arguments(self, args, outputs):
        args.add(args.raster("INPUT"))
        args.enum("--fn", "FN")
        args.string("--low", "LOW")
        args.string("--high", "HIGH")
        args.string("--midpoint", "MIDPOINT")
        args.number("--spread", "SPREAD")
        args.number("--slope", "SLOPE")
        area_arguments(args)
        args.add("--out", outputs["OUTPUT"])
        args.enum("--compress", "COMPRESS")
